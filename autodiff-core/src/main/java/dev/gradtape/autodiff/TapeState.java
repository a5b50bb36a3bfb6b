package dev.gradtape.autodiff;

import java.util.ArrayList;

/**
 * Per-thread recording state: the open tapes (innermost last), whether recording is paused
 * because a {@link Function}'s forward is running, anomaly mode, and the op whose backward is
 * running (for error messages).
 */
final class TapeState {
    private static final ThreadLocal<TapeState> CURRENT = ThreadLocal.withInitial(TapeState::new);

    final ArrayList<GradientTape> open = new ArrayList<>(2);
    int pauseDepth;
    boolean anomaly;
    Function inBackwardOf;

    static TapeState get() {
        return CURRENT.get();
    }
}
