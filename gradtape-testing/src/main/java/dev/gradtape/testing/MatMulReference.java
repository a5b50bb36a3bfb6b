package dev.gradtape.testing;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;

/**
 * The yardstick for a matrix-product kernel: the textbook triple loop, seeded random operands
 * and the round-off bound within which a kernel that sums in another order must agree with it.
 * Matrices are row-major {@code double[]}; op is the identity, or the transpose when the flag
 * ({@code ta}, {@code tb}) is set, so A is stored n x k (k x n when transposed) and B k x m
 * (m x k when transposed).
 */
public final class MatMulReference {
    private MatMulReference() {
    }

    /**
     * op(A) op(B) by the textbook triple loop, accumulating in k order.
     *
     * @param a the left operand, n x k (k x n when {@code ta})
     * @param ta whether A is stored transposed
     * @param b the right operand, k x m (m x k when {@code tb})
     * @param tb whether B is stored transposed
     * @param n the rows of the product
     * @param k the inner extent
     * @param m the columns of the product
     * @return the n x m product, row-major
     */
    public static double[] naive(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m) {
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

    /**
     * Standard normal values from a fixed seed.
     *
     * @param seed the seed of the {@link SplittableRandom}
     * @param size how many values
     * @return {@code size} values, the same for the same seed
     */
    public static double[] random(long seed, int size) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] d = new double[size];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return d;
    }

    /**
     * The bound on |kernel - naive| for one element: both sum the same k products in different
     * orders, so each is within about k ulp-scaled |products| of the exact value. Throws an
     * {@link AssertionError} naming the first element outside 4 (k + 1) ulp(1) sum |a_ip b_pj|.
     *
     * @param expected the reference product, n x m
     * @param actual the product under test, n x m
     * @param a the left operand, as given to both
     * @param ta whether A is stored transposed
     * @param b the right operand, as given to both
     * @param tb whether B is stored transposed
     * @param n the rows of the product
     * @param k the inner extent
     * @param m the columns of the product
     * @param what the name of the product under test, for the message
     */
    public static void assertClose(double[] expected, double[] actual, double[] a, boolean ta, double[] b,
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

    /** A matrix product under test: C = op(A) op(B), n x m, row-major. */
    @FunctionalInterface
    public interface Product {
        /**
         * Multiplies.
         *
         * @param a the left operand, n x k (k x n when {@code ta})
         * @param ta whether A is stored transposed
         * @param b the right operand, k x m (m x k when {@code tb})
         * @param tb whether B is stored transposed
         * @param n the rows of the product
         * @param k the inner extent
         * @param m the columns of the product
         * @return the n x m product, row-major
         */
        double[] multiply(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m);
    }

    /**
     * The property that a product's rows do not depend on how many rows it has: over 40
     * generated cases (B of 1-70 x 1-70, on both sides of a kernel's small-product limit, n from
     * 2 to 600, every transposition), the product of all rows, computed with 1 to 4 threads, has
     * rows equal to the bits to each row computed alone with one thread.
     *
     * @param engine the product under test
     * @param threads sets the thread count the next products use
     */
    public static void assertRowsIndependentOfRowCount(Product engine, IntConsumer threads) {
        qt().withExamples(40).forAll(integers().between(1, 70), integers().between(1, 70),
                integers().between(2, 600), integers().between(0, 3)).checkAssert((k, m, n, flags) -> {
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    double[] a = random(k * 131L + m, n * k);
                    double[] b = random(k * 7L + m * 3L, k * m);
                    threads.accept(1 + flags);
                    double[] all = engine.multiply(a, ta, b, tb, n, k, m);
                    threads.accept(1);
                    assertRowsIndependentOfRowCount(all, engine, a, ta, b, tb, n, k, m);
                });
    }

    /**
     * Asserts that rows 0, n/2 and n-1 of the n x m product {@code all} (computed by the caller
     * from {@code a} and {@code b}) have the same bits as the same row of A multiplied alone by
     * {@code alone}: a kernel whose summation order depends on n fails this.
     *
     * @param all the product of all n rows
     * @param alone the product to compute one row with
     * @param a the left operand, n x k (k x n when {@code ta})
     * @param ta whether A is stored transposed
     * @param b the right operand, k x m (m x k when {@code tb})
     * @param tb whether B is stored transposed
     * @param n the rows of the product
     * @param k the inner extent
     * @param m the columns of the product
     */
    public static void assertRowsIndependentOfRowCount(double[] all, Product alone, double[] a, boolean ta,
            double[] b, boolean tb, int n, int k, int m) {
        for (int i : new int[] {0, n / 2, n - 1}) {
            double[] row = new double[k];
            for (int p = 0; p < k; p++) {
                row[p] = ta ? a[p * n + i] : a[i * k + p];
            }
            double[] one = alone.multiply(row, false, b, tb, 1, k, m);
            for (int j = 0; j < m; j++) {
                if (Double.doubleToLongBits(one[j]) != Double.doubleToLongBits(all[i * m + j])) {
                    throw new AssertionError("row " + i + " of " + n + ", column " + j + ", B " + k + "x" + m
                            + (ta ? ", A transposed" : "") + (tb ? ", B transposed" : "") + ": " + all[i * m + j]
                            + " among " + n + " rows but " + one[j] + " alone");
                }
            }
        }
    }
}
