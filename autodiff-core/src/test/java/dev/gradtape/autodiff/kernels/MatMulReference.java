package dev.gradtape.autodiff.kernels;

import dev.gradtape.autodiff.ComputeConfig;
import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;

import java.util.SplittableRandom;

/** Test helpers for the matmul kernels: a naive triple loop and seeded random operands. */
final class MatMulReference {
    private MatMulReference() {
    }

    /** op(A) op(B) by the textbook triple loop, accumulating in k order. */
    static double[] naive(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m) {
        double[] c = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * n + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * m + j];
                    s += x * y;
                }
                c[i * m + j] = s;
            }
        }
        return c;
    }

    /** Standard normal values from a fixed seed. */
    static double[] random(long seed, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] d = new double[size];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return d;
    }

    /** C = op(A) op(B) through the engine (the path and threads currently configured). */
    static double[] engine(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m) {
        double[] c = new double[n * m];
        MatMulEngine.multiply(a, new int[] {0}, ta, b, new int[] {0}, tb, c, n, k, m);
        return c;
    }

    /**
     * The bound on |kernel - naive| for one element: both sum the same k products in different
     * orders, so each is within about k ulp-scaled |products| of the exact value.
     */
    static void assertClose(double[] expected, double[] actual, double[] a, boolean ta, double[] b,
            boolean tb, int n, int k, int m, String what) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double mag = 0;
                for (int p = 0; p < k; p++) {
                    mag += Math.abs((ta ? a[p * n + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * m + j]));
                }
                double tol = 4 * (k + 1) * Math.ulp(1.0) * mag;
                double e = expected[i * m + j];
                double got = actual[i * m + j];
                if (!(Math.abs(e - got) <= tol)) {
                    throw new AssertionError(what + ": element (" + i + ", " + j + ") of a " + n + "x" + k
                            + " @ " + k + "x" + m + " product (ta=" + ta + ", tb=" + tb + ") is " + got
                            + ", expected " + e + " within " + tol);
                }
            }
        }
    }
}
