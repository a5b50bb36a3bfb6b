package dev.gradtape.autodiff;

/**
 * Thrown in {@link AnomalyMode} when an operation produces a NaN or an infinity, in forward or in
 * backward. The message names the operation, the direction and the shapes of its inputs.
 */
public final class NonFiniteValueException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    /** The name of the operation that produced the value. */
    private final String op;
    /** Whether the value appeared in the backward pass rather than in forward. */
    private final boolean inBackward;

    NonFiniteValueException(String op, boolean inBackward, String message) {
        super(message);
        this.op = op;
        this.inBackward = inBackward;
    }

    /** {@return the name of the operation that produced the value, such as {@code log}} */
    public String op() {
        return op;
    }

    /**
     * {@return true if the value appeared while computing gradients, false if in the forward pass}
     */
    public boolean inBackward() {
        return inBackward;
    }
}
