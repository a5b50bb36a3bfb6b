package dev.gradtape.autodiff;

/**
 * One operation of a {@link Replay}, compiled for shapes fixed at recording time: a forward and a
 * first-order backward on raw arrays that the replay owns and reuses from run to run, so a run
 * allocates nothing.
 *
 * <p>The arithmetic must be the same, operation for operation and in the same order, as the
 * primitive's own {@code forward} and {@code backward}: a replay then gives the eager tape's
 * results bit for bit, which is what the replay tests check.
 */
abstract class ReplayKernel {
    /**
     * Writes the output into {@code out}, overwriting it.
     *
     * @param in the inputs' values, in the operation's input order
     */
    abstract void forward(double[][] in, double[] out);

    /**
     * Writes the gradient of every input {@code j} with {@code gIn[j] != null} into that array,
     * overwriting it ({@code null} marks an input whose gradient is not needed).
     *
     * @param g the gradient of the output (read only)
     * @param in the inputs' values of this run
     * @param out the output of this run
     */
    abstract void backward(double[] g, double[][] in, double[] out, double[][] gIn);

    /**
     * After {@link #backward}: which requested inputs got no gradient after all (true), or null if
     * every requested one got one. Only a kernel running a user's Function can say none.
     */
    boolean[] noGradient() {
        return null;
    }
}
