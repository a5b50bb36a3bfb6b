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

    boolean anomaly() {
        return anomalyScopes.get() > 0;
    }

    static TapeState get() {
        return CURRENT.get();
    }
}
