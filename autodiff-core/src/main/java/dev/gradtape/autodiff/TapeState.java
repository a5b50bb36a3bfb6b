package dev.gradtape.autodiff;

import java.util.ArrayList;

/**
 * Per-thread recording state: the open tapes (innermost last), the first of them that may record
 * (tapes below it are paused while a {@link Function}'s forward or a no-recording scope runs;
 * tapes opened inside such a scope record), and anomaly mode.
 */
final class TapeState {
    private static final ThreadLocal<TapeState> CURRENT = ThreadLocal.withInitial(TapeState::new);

    final ArrayList<GradientTape> open = new ArrayList<>(2);
    int floor;
    /** Open {@link AnomalyMode} scopes of this thread (closed possibly from another thread). */
    final java.util.concurrent.atomic.AtomicInteger anomalyScopes =
            new java.util.concurrent.atomic.AtomicInteger();
    /** The node whose backward is running, for anomaly messages; null outside backward. */
    Node inBackwardOf;

    /**
     * At most this many tapes open at once in one thread. Real nesting is a few deep (second
     * order needs two); more means tapes opened in a loop and never closed, each of which would
     * keep recording whatever uses the tensors it tracks.
     */
    static final int MAX_OPEN = 64;

    /**
     * Adds a newly opened tape. Tapes that can never record again (not persistent, gradient
     * taken) are dropped first, so a loop that forgets to close such tapes leaks nothing.
     */
    void add(GradientTape tape) {
        for (int i = open.size() - 1; i >= 0; i--) {
            if (open.get(i).isReleased()) {
                remove(i);
            }
        }
        if (open.size() >= MAX_OPEN) {
            throw new IllegalStateException("GradientTape: " + open.size() + " tapes are open in thread "
                    + Thread.currentThread().getName() + "; tapes opened in a loop and never closed keep"
                    + " recording every operation on the tensors they track. Open each tape in a"
                    + " try-with-resources block (try (GradientTape tape = new GradientTape()) { ... })");
        }
        open.add(tape);
    }

    /** Removes a closed tape, keeping the tapes below the recording floor paused. */
    void remove(GradientTape tape) {
        int i = open.indexOf(tape);
        if (i >= 0) {
            remove(i);
        }
    }

    private void remove(int i) {
        open.remove(i);
        if (i < floor) {
            floor--;
        }
    }

    boolean anomaly() {
        return anomalyScopes.get() > 0;
    }

    static TapeState get() {
        return CURRENT.get();
    }
}
