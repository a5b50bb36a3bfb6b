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
 * <p>It is on while at least one scope opened in the thread is open: scopes may be closed in any
 * order, and from any thread (closing one turns off only its own share). A {@link CompiledStep}
 * run started while it is on checks every value the same way, naming the step.
 *
 * <p>The backward check catches the classic case of a NaN that enters through a branch masked out
 * in forward, such as the gradient of {@code sqrt(x)} at 0 flowing into a {@code where} that did
 * not select it.
 */
public final class AnomalyMode implements AutoCloseable {
    private final TapeState owner;
    private boolean closed;

    private AnomalyMode(TapeState owner) {
        this.owner = owner;
    }

    /**
     * Turns anomaly detection on for this thread until the returned scope is closed.
     *
     * @return the scope; closing it withdraws this scope's share, and detection stays on while any
     *     other scope opened in the thread is still open
     */
    public static AnomalyMode enable() {
        TapeState s = TapeState.get();
        s.anomalyScopes.incrementAndGet();
        return new AnomalyMode(s);
    }

    /** {@return whether anomaly detection is on in this thread (at least one scope is open)} */
    public static boolean isEnabled() {
        return TapeState.get().anomaly();
    }

    /** Ends this scope (once; later calls do nothing), in whichever thread it is called. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            owner.anomalyScopes.decrementAndGet();
        }
    }
}
