package dev.gradtape.rl;

/**
 * Thrown when training produces a NaN or an infinity (a loss, a gradient, an action or a
 * parameter). Training stops at once instead of silently continuing with garbage; the message
 * names the update and the value.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The number of the update that failed, from 1 (part of the serialized form). */
    private final long update;

    TrainingDivergedException(long update, String message) {
        super("Reinforce update " + update + ": " + message);
        this.update = update;
    }

    /** {@return the number of the update that failed, from 1} */
    public long update() {
        return update;
    }
}
