package dev.gradtape.autodiff;

/**
 * Something whose current values can be copied into an array: a {@link Tensor}, or a variable
 * holder such as nn's {@code Parameter}. {@link Replay#start} reads its sources through it, so
 * that a training step on a replay makes no tensors for the parameters at all.
 */
public interface TensorSource {
    /** The shape of the values. */
    Shape shape();

    /**
     * Copies the values, in row-major order, into {@code destination}.
     *
     * @throws IllegalArgumentException if the destination's length is not the number of values
     */
    void copyTo(double[] destination);
}
