package dev.gradtape.autodiff.kernels;

/**
 * One implementation of the matrix-product loops: the plain-Java {@link MatMulKernel} or the
 * vector-API kernel. {@link MatMulEngine} picks one and shares rows among threads.
 *
 * <p>It is the service that the module {@code dev.gradtape.autodiff.vector} provides (the only
 * module this package is exported to): the vector kernel needs {@code jdk.incubator.vector},
 * which autodiff-core itself never reads, so that the core compiles and documents without it.
 */
public interface MatMulLoops {
    /**
     * Overwrites rows {@code [i0, i1)} of C (n x m, row-major at {@code offC}) with those rows of
     * op(A) op(B), where op(A) is n x k and op(B) is k x m. A is stored n x k, or k x n when
     * {@code ta}; B is stored k x m, or m x k when {@code tb}. The value of each element must not
     * depend on {@code i0} and {@code i1}.
     *
     * @param a the elements of A
     * @param offA where A starts in {@code a}
     * @param ta whether A is stored transposed
     * @param b the elements of B
     * @param offB where B starts in {@code b}
     * @param tb whether B is stored transposed
     * @param c the elements of C, written
     * @param offC where C starts in {@code c}
     * @param n rows of C
     * @param k the length of the sums
     * @param m columns of C
     * @param i0 the first row to compute
     * @param i1 one past the last row to compute
     */
    void multiply(double[] a, int offA, boolean ta, double[] b, int offB, boolean tb,
            double[] c, int offC, int n, int k, int m, int i0, int i1);
}
