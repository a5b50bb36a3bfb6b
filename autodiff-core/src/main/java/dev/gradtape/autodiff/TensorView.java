package dev.gradtape.autodiff;

/**
 * Read access to a shaped array of doubles: a {@link Tensor} (whose values never change), or a
 * gradient a {@link CompiledStep} hands out (whose values are those of its latest run). An
 * optimiser takes its gradients as views, so it can be fed by either without a copy.
 */
public interface TensorView {
    /** The shape of the values. */
    Shape shape();

    /**
     * Copies the values, in row-major order, into {@code destination}.
     *
     * @throws IllegalArgumentException if the destination's length is not the number of values
     */
    void copyTo(double[] destination);
}
