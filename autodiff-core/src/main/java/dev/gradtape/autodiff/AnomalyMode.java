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
 * <p>The backward check catches the classic case of a NaN that enters through a branch masked out
 * in forward, such as the gradient of {@code sqrt(x)} at 0 flowing into a {@code where} that did
 * not select it.
 */
public final class AnomalyMode implements AutoCloseable {
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
        return scope;
    }

    /** Whether anomaly detection is on in this thread. */
    public static boolean isEnabled() {
        return TapeState.get().anomaly;
    }

    /** Restores the setting that was in force before {@link #enable()}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TapeState.get().anomaly = previous;
        }
    }
}
