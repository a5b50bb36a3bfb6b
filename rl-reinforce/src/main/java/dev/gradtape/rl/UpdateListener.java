package dev.gradtape.rl;

/** Receives the metrics of every {@link Reinforce} update, for logging, CSV files and plots. */
@FunctionalInterface
public interface UpdateListener {
    /**
     * Called after each update, in order.
     *
     * @param metrics what the update measured
     */
    void onUpdate(UpdateMetrics metrics);
}
