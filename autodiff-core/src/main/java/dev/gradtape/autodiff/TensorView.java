package dev.gradtape.autodiff;

/**
 * Read access to a shaped array of doubles: a {@link Tensor} (whose values never change), or a
 * gradient a {@link CompiledStep} hands out (whose values are those of its latest run). An
 * optimiser takes its gradients as views, so it can be fed by either without a copy.
 */
public interface TensorView {
    /** {@return the shape of the values} */
    Shape shape();

    /**
     * Copies the values, in row-major order, into {@code destination}.
     *
     * @param destination the array to fill, of length {@code shape().size()}; a caller reuses one
     *     such array across steps, which is why this is not a method that returns a new array
     * @throws IllegalArgumentException if the destination's length is not the number of values
     */
    void copyTo(double[] destination);
}
