package dev.gradtape.autodiff.kernels;

import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.testing.MatMulReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java matmul kernel against the naive triple loop on random shapes (odd sizes, 1 x N,
 * N x 1, every transpose combination, sizes that cross the cache blocks and the threading
 * threshold), and its determinism across runs and thread counts.
 */
class MatMulKernelProperties {
    @BeforeEach
    void plainPath() {
        threads(1);
    }

    @AfterEach
    void restore() {
        MatMulEngine.setCurrent(null);
    }

    /** This thread's products on the plain path with {@code t} threads. */
    private static void threads(int t) {
        MatMulEngine.setCurrent(new MatMulEngine.Settings(t, false));
    }

    @Test
    void small_random_shapes_match_the_triple_loop() {
        qt().withExamples(300).forAll(integers().between(1, 13), integers().between(0, 13),
                integers().between(1, 13), integers().between(0, 3)).checkAssert((n, k, m, flags) -> {
                    threads(1 + flags);
                    check(n, k, m, (flags & 1) != 0, (flags & 2) != 0, 31L * n + 7L * k + m);
                });
    }

    @Test
    void shapes_across_blocks_and_threads_match_the_triple_loop() {
        qt().withExamples(12).forAll(integers().between(1, 300), integers().between(1, 300),
                integers().between(1, 300), integers().between(0, 3)).checkAssert((n, k, m, flags) -> {
                    threads(2);
                    check(n, k, m, (flags & 1) != 0, (flags & 2) != 0, n ^ (long) k << 20 ^ (long) m << 40);
                });
    }

    @Test
    void vectors_and_thin_shapes_match_the_triple_loop() {
        int[][] shapes = {{1, 5, 5}, {1, 1, 5}, {5, 5, 1}, {1, 300, 1}, {300, 1, 300}, {1, 257, 513},
            {513, 257, 1}, {97, 131, 67}, {4, 4, 4}, {8, 128, 256}, {129, 129, 257}};
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                for (int t = 1; t <= 3; t++) {
                    threads(t);
                    check(s[0], s[1], s[2], (flags & 1) != 0, (flags & 2) != 0, s[0] + s[1] + s[2]);
                }
            }
        }
    }

    @Test
    void results_are_bit_identical_across_runs_and_thread_counts() {
        qt().withExamples(20).forAll(integers().between(1, 200), integers().between(1, 200),
                integers().between(1, 200), longs().all()).checkAssert((n, k, m, seed) -> {
                    double[] a = MatMulReference.random(seed, n * k);
                    double[] b = MatMulReference.random(seed + 1, k * m);
                    threads(1);
                    double[] one = engine(a, false, b, true, n, k, m);
                    for (int t = 1; t <= 4; t++) {
                        threads(t);
                        assertArrayEquals(one, engine(a, false, b, true, n, k, m),
                                "threads=" + t + " shape " + n + "x" + k + "x" + m);
                        assertArrayEquals(one, engine(a, false, b, true, n, k, m),
                                "second run, threads=" + t);
                    }
                });
    }

    @Test
    void batched_and_broadcast_products_match_per_matrix_loops() {
        // (3, 1, 70, 90) @ (4, 90, 80) -> (3, 4, 70, 80): 12 products, large enough to be threaded.
        Tensor a = Tensor.randn(11, 3, 1, 70, 90);
        Tensor b = Tensor.randn(12, 4, 90, 80);
        for (int t = 1; t <= 3; t++) {
            threads(t);
            Tensor c = a.matmul(b);
            assertEquals(Shape.of(3, 4, 70, 80), c.shape());
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    double[] ai = java.util.Arrays.copyOfRange(a.toArray(), i * 70 * 90, (i + 1) * 70 * 90);
                    double[] bj = java.util.Arrays.copyOfRange(b.toArray(), j * 90 * 80, (j + 1) * 90 * 80);
                    double[] expected = MatMulReference.naive(ai, false, bj, false, 70, 90, 80);
                    double[] got = java.util.Arrays.copyOfRange(c.toArray(), (i * 4 + j) * 70 * 80,
                            (i * 4 + j + 1) * 70 * 80);
                    MatMulReference.assertClose(expected, got, ai, false, bj, false, 70, 90, 80,
                            "batch (" + i + ", " + j + ")");
                }
            }
        }
    }

    @Test
    void a_row_has_the_same_bits_whatever_the_number_of_rows_beside_it() {
        MatMulReference.assertRowsIndependentOfRowCount(MatMulKernelProperties::engine, MatMulKernelProperties::threads);
    }

    private static void check(int n, int k, int m, boolean ta, boolean tb, long seed) {
        double[] a = MatMulReference.random(seed, n * k);
        double[] b = MatMulReference.random(seed ^ 0x9e3779b97f4a7c15L, k * m);
        double[] expected = MatMulReference.naive(a, ta, b, tb, n, k, m);
        double[] got = engine(a, ta, b, tb, n, k, m);
        MatMulReference.assertClose(expected, got, a, ta, b, tb, n, k, m,
                "engine on the plain path, threads=" + MatMulEngine.current().threads());
        // The blocked loops themselves, also below the size where the engine takes multiplySmall.
        double[] blocked = new double[n * m];
        MatMulKernel.multiply(a, 0, ta, b, 0, tb, blocked, 0, n, k, m, 0, n);
        MatMulReference.assertClose(expected, blocked, a, ta, b, tb, n, k, m, "blocked plain loops");
        double[] small = new double[n * m];
        MatMulKernel.multiplySmall(a, 0, ta, b, 0, tb, small, 0, n, k, m);
        MatMulReference.assertClose(expected, small, a, ta, b, tb, n, k, m, "multiplySmall");
    }

    /** C = op(A) op(B) through the engine (the path and threads currently configured). */
    static double[] engine(double[] a, boolean ta, double[] b, boolean tb, int n, int k, int m) {
        double[] c = new double[n * m];
        MatMulEngine.multiply(a, new int[] {0}, ta, b, new int[] {0}, tb, c, n, k, m);
        return c;
    }
}
