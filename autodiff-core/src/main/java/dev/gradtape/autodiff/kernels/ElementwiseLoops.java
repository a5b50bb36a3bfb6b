package dev.gradtape.autodiff.kernels;

/**
 * Elementwise loops that the vector module also writes with the JDK's vector API, for the
 * vector path ({@link MatMulEngine#elementwise}). Each is an exact operation, a selection, so the
 * vector loop gives the plain loop's bits for every input: the choice of path changes the speed,
 * never the numbers. The plain definitions are in {@link Unary}.
 *
 * <p>It is a service that the module {@code dev.gradtape.autodiff.vector} provides, like
 * {@link MatMulLoops}.
 */
public interface ElementwiseLoops {
    /** The plain loops of {@link Unary}. */
    ElementwiseLoops PLAIN = Unary::reluGrad;

    /**
     * relu's gradient, exactly as {@link Unary#reluGrad}: r[i] = g[i] where x[i] &gt; 0 or x[i] is
     * NaN, else +0.0.
     *
     * @param g the incoming gradient
     * @param x relu's input
     * @param r the result, overwritten; all three of one length
     */
    void reluGrad(double[] g, double[] x, double[] r);
}
