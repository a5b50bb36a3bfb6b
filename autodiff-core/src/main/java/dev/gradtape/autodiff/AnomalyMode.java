package dev.gradtape.autodiff;

/**
 * Anomaly detection, off by default (it costs a scan of every result): while it is on in a
 * thread, the first operation that produces a NaN or an infinity throws a
 * {@link NonFiniteValueException} naming the operation, whether it happened in forward or in
 * backward, and the shapes of its inputs. Use it to find where a NaN loss came from:
 *
 * <pre>{@code
 * try (AnomalyMode on = AnomalyMode.enable()) {
 *     ... forward and gradient ...
 * }
 * }</pre>
 *
 * <p>A {@link Replay} run started while it is on checks every value and gradient the same way.
 *
 * <p>The backward check catches the classic case of a NaN that enters through a branch masked out
 * in forward, such as the gradient of {@code sqrt(x)} at 0 flowing into a {@code where} that did
 * not select it.
 */
public final class AnomalyMode implements AutoCloseable {
    /**
     * Scopes open in any thread: while none is, a {@link Replay} run needs no look-up of this
     * thread's setting.
     */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN =
            new java.util.concurrent.atomic.AtomicInteger();

    private final boolean previous;
    private boolean closed;

    private AnomalyMode(boolean previous) {
        this.previous = previous;
    }

    /** Turns anomaly detection on for this thread until the returned scope is closed. */
    public static AnomalyMode enable() {
        TapeState s = TapeState.get();
        AnomalyMode scope = new AnomalyMode(s.anomaly);
        s.anomaly = true;
        OPEN.incrementAndGet();
        return scope;
    }

    /** Whether anomaly detection is on in this thread. */
    public static boolean isEnabled() {
        return OPEN.get() > 0 && TapeState.get().anomaly;
    }

    /** Restores the setting that was in force before {@link #enable()}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TapeState.get().anomaly = previous;
            OPEN.decrementAndGet();
        }
    }
}
