package dev.gradtape.autodiff.vector;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.kernels.MatMulEngine;
import dev.gradtape.autodiff.kernels.MatMulKernel;
import dev.gradtape.testing.MatMulReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The vector-API matmul kernel. Surefire runs this module's tests on the module path, patched
 * into dev.gradtape.autodiff.vector, in a JVM started with {@code --add-modules jdk.incubator.vector}
 * and the property {@code gradtape.test.expectVector} (see gradtape-vector/pom.xml), where
 * autodiff-core must have found the kernel through ServiceLoader; in a JVM without the module
 * (an IDE, say) the class is skipped. The kernel is compared with the naive triple loop and with the plain
 * kernel (equal to round-off), element by element bit for bit with the documented fma chain (for
 * any row range), and checked for bit-identical results across runs, pieces of rows and thread
 * counts. MatMulVectorKernelSpeciesTest compares vector sizes.
 */
class MatMulVectorKernelProperties {
    private int threads = 1;
    private boolean vector = true;

    @BeforeEach
    void vectorPath() {
        if (Boolean.getBoolean("gradtape.test.expectVector")) {
            assertTrue(ComputeSettings.vectorAvailable(), "this run started the JVM with"
                    + " --add-modules jdk.incubator.vector, so the vector kernel must load");
        }
        // Elsewhere (for example an IDE, or -Dtest=... in the default surefire run) skip.
        assumeTrue(ComputeSettings.vectorAvailable(), "the JVM was started without jdk.incubator.vector");
        setThreads(1);
        assertEquals("vector", MatMulEngine.current().vector() ? "vector" : "plain");
    }

    @AfterEach
    void restore() {
        MatMulEngine.setCurrent(null);
    }

    /** This thread's products with {@code t} threads, on the path chosen last. */
    private void setThreads(int t) {
        threads = t;
        MatMulEngine.setCurrent(new MatMulEngine.Settings(threads, vector));
    }

    /** This thread's products on the vector path or the plain one. */
    private void setVectorEnabled(boolean enabled) {
        vector = enabled;
        MatMulEngine.setCurrent(new MatMulEngine.Settings(threads, vector));
    }

    @Test
    void random_shapes_match_the_triple_loop_and_the_plain_kernel() {
        qt().withExamples(200).forAll(integers().between(1, 70), integers().between(0, 300),
                integers().between(1, 70), integers().between(0, 7)).checkAssert((n, k, m, flags) -> {
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    setThreads((flags & 4) != 0 ? 2 : 1);
                    long seed = 1000003L * n + 1009L * k + m;
                    double[] a = MatMulReference.random(seed, n * k);
                    double[] b = MatMulReference.random(~seed, k * m);
                    double[] naive = MatMulReference.naive(a, ta, b, tb, n, k, m);
                    double[] vector = engine(a, ta, b, tb, n, k, m);
                    setVectorEnabled(false);
                    double[] plain = engine(a, ta, b, tb, n, k, m);
                    setVectorEnabled(true);
                    MatMulReference.assertClose(naive, vector, a, ta, b, tb, n, k, m, "vector kernel");
                    // The vector loops themselves, also below the engine's multiplySmall threshold.
                    double[] direct = new double[n * m];
                    new MatMulVectorKernel().multiply(a, 0, ta, b, 0, tb, direct, 0, n, k, m, 0, n);
                    MatMulReference.assertClose(naive, direct, a, ta, b, tb, n, k, m, "vector loops");
                    MatMulReference.assertClose(plain, vector, a, ta, b, tb, n, k, m, "vector vs plain");
                });
    }

    @Test
    void large_and_thin_shapes_match_the_triple_loop() {
        int[][] shapes = {{1, 5, 5}, {5, 5, 1}, {1, 513, 1}, {256, 256, 256}, {257, 129, 263}, {256, 64, 8},
            {8, 256, 256}, {3, 1000, 17}};
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                for (int t = 1; t <= 2; t++) {
                    setThreads(t);
                    boolean ta = (flags & 1) != 0;
                    boolean tb = (flags & 2) != 0;
                    double[] a = MatMulReference.random(s[0], s[0] * s[1]);
                    double[] b = MatMulReference.random(s[2] + 77, s[1] * s[2]);
                    MatMulReference.assertClose(MatMulReference.naive(a, ta, b, tb, s[0], s[1], s[2]),
                            engine(a, ta, b, tb, s[0], s[1], s[2]), a, ta, b, tb,
                            s[0], s[1], s[2], "vector kernel, threads=" + t);
                }
            }
        }
    }

    @Test
    void results_are_bit_identical_across_runs_and_thread_counts() {
        double[] a = MatMulReference.random(5, 259 * 131);
        double[] b = MatMulReference.random(6, 131 * 270);
        setThreads(1);
        double[] one = engine(a, true, b, false, 259, 131, 270);
        for (int t = 1; t <= 4; t++) {
            setThreads(t);
            for (int run = 0; run < 2; run++) {
                assertArrayEquals(one, engine(a, true, b, false, 259, 131, 270),
                        "threads=" + t + " run " + run);
            }
        }
    }

    @Test
    void a_row_has_the_same_bits_whatever_the_number_of_rows_beside_it() {
        MatMulReference.assertRowsIndependentOfRowCount(MatMulVectorKernelProperties::engine, this::setThreads);
    }

    @Test
    void every_element_is_the_documented_fma_chain_bit_for_bit_and_other_rows_are_untouched() {
        // n up to 150 crosses the 64 rows from which a call packs B; k up to 300 gives two and
        // three k blocks; m up to 70 covers narrow blocks (<= 2 vectors), partial vectors and
        // full tiles with a partial panel; the row range is arbitrary.
        qt().withExamples(150).forAll(integers().between(1, 150), integers().between(0, 300),
                integers().between(1, 70), integers().between(0, Integer.MAX_VALUE)).checkAssert((n, k, m, r) -> {
                    boolean ta = (r & 1) != 0;
                    boolean tb = (r & 2) != 0;
                    int i0 = (r >>> 2) % n;
                    int i1 = i0 + 1 + (r >>> 10) % (n - i0);
                    double[] a = MatMulReference.random(r, n * k);
                    double[] b = MatMulReference.random(~r, k * m);
                    assertMatchesChain(a, ta, b, tb, n, k, m, i0, i1);
                });
    }

    @Test
    void large_shapes_are_the_fma_chain_bit_for_bit() {
        // m > NC (two column blocks), k > 2 KC, the workload-B shapes, and 32-row chunks as the
        // engine hands them to two threads.
        int[][] shapes = {{256, 256, 256}, {70, 300, 270}, {256, 64, 256}, {256, 256, 8}, {256, 8, 256},
            {64, 256, 256}, {33, 129, 300}};
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0;
                boolean tb = (flags & 2) != 0;
                double[] a = MatMulReference.random(s[0] + flags, s[0] * s[1]);
                double[] b = MatMulReference.random(s[2] + 7, s[1] * s[2]);
                assertMatchesChain(a, ta, b, tb, s[0], s[1], s[2], 0, s[0]);
                assertMatchesChain(a, ta, b, tb, s[0], s[1], s[2], 32, Math.min(s[0], 64));
            }
        }
    }

    @Test
    void rows_computed_in_pieces_are_bit_identical_to_one_call() {
        qt().withExamples(60).forAll(integers().between(1, 200), integers().between(1, 200),
                integers().between(1, 60), integers().between(0, Integer.MAX_VALUE)).checkAssert((n, k, m, r) -> {
                    boolean ta = (r & 1) != 0;
                    boolean tb = (r & 2) != 0;
                    double[] a = MatMulReference.random(r, n * k);
                    double[] b = MatMulReference.random(~r, k * m);
                    double[] whole = new double[n * m];
                    new MatMulVectorKernel().multiply(a, 0, ta, b, 0, tb, whole, 0, n, k, m, 0, n);
                    double[] pieces = new double[n * m];
                    java.util.SplittableRandom cut = new java.util.SplittableRandom(r);
                    for (int i0 = 0; i0 < n; ) {
                        int i1 = Math.min(n, i0 + 1 + cut.nextInt(80));
                        new MatMulVectorKernel().multiply(a, 0, ta, b, 0, tb, pieces, 0, n, k, m, i0, i1);
                        i0 = i1;
                    }
                    assertArrayEquals(whole, pieces, "n=" + n + " k=" + k + " m=" + m + " ta=" + ta + " tb=" + tb);
                });
    }

    /**
     * The kernel on rows [i0, i1) of C, inside a larger array at an offset, against the summation
     * order documented in MatMulVectorKernel, element by element and bit for bit: each k block of
     * MatMulKernel.KC summed as a chain of Math.fma from 0, the blocks added to C in k order. Rows
     * outside the range, and the array around C, keep their contents.
     */
    static void assertMatchesChain(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m,
            int i0, int i1) {
        int off = 3;
        double[] c = new double[off + n * m + 5];
        java.util.Arrays.fill(c, -7.25);
        new MatMulVectorKernel().multiply(a, 0, ta, b, 0, tb, c, off, n, k, m, i0, i1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double expect = -7.25;
                if (i >= i0 && i < i1) {
                    expect = 0.0;
                    for (int pc = 0; pc < k; pc += MatMulKernel.KC) {
                        double block = 0.0;
                        for (int p = pc; p < Math.min(k, pc + MatMulKernel.KC); p++) {
                            block = Math.fma(ta ? a[p * n + i] : a[i * k + p], tb ? b[j * k + p] : b[p * m + j], block);
                        }
                        expect += block;
                    }
                }
                double got = c[off + i * m + j];
                if (Double.doubleToRawLongBits(expect) != Double.doubleToRawLongBits(got)) {
                    throw new AssertionError("n=" + n + " k=" + k + " m=" + m + " ta=" + ta + " tb=" + tb
                            + " rows [" + i0 + ", " + i1 + "): C(" + i + ", " + j + ") = " + got
                            + ", the fma chain gives " + expect);
                }
            }
        }
        for (int q = 0; q < off; q++) {
            assertEquals(-7.25, c[q], "before C");
        }
        for (int q = off + n * m; q < c.length; q++) {
            assertEquals(-7.25, c[q], "after C");
        }
    }

    @Test
    void gradients_through_the_vector_kernel_pass_the_gradient_check() {
        GradCheck.defaults().assertGradients(in -> in.get(0).matmul(in.get(1)).tanh().matmul(in.get(2)),
                Tensor.randn(1, 2, 9, 17), Tensor.randn(2, 17, 19), Tensor.randn(3, 19, 5));
    }

    /** C = op(A) op(B) through the engine (the path and threads currently configured). */
    static double[] engine(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m) {
        double[] c = new double[n * m];
        MatMulEngine.multiply(a, new int[] {0}, ta, b, new int[] {0}, tb, c, n, k, m);
        return c;
    }
}
