package dev.gradtape.autodiff.vector;

import dev.gradtape.autodiff.kernels.MatMulKernel;
import dev.gradtape.autodiff.kernels.MatMulLoops;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The matrix-product loops written with the JDK's vector API ({@code jdk.incubator.vector}):
 * explicit SIMD registers and fused multiply-add, which C2 does not produce from plain loops.
 * It lives in its own module, {@code dev.gradtape.autodiff.vector}, the only one of gradtape's that
 * reads the incubator module, and provides autodiff-core's {@link MatMulLoops} as a service:
 * the core's {@code MatMulEngine} takes it through {@link java.util.ServiceLoader} when this
 * module is there and the JVM has {@code jdk.incubator.vector}, and the plain loops otherwise.
 *
 * <p><b>Register tile.</b> Eight rows of C by two vectors of columns (16 accumulators) stay in
 * registers while k runs over a block of {@link MatMulKernel#KC}: per k step, two loads of B
 * and eight broadcasts of A feed sixteen fused multiply-adds. Measured at 256^3 on JDK 17
 * (AVX-512, 8 doubles per vector, GFLOP per CPU-second on a busy machine): 8x2 50, 4x2 34,
 * 12x2 35, 16x1 35, 8x3 17 (C2 spills). Rows left over take a 4x2 tile, then single rows;
 * columns left over take one vector at a time, then one element at a time.
 *
 * <p><b>Summation order.</b> For every element, each k block is summed as a chain of fused
 * multiply-adds starting from 0, c_block = fma(a_p, b_p, ... fma(a_p0, b_p0, 0)), and the blocks are
 * added to C in order of k. The column and row leftovers use the same chain (scalar
 * {@link Math#fma} is the same correctly rounded operation), so the value of an element does not
 * depend on which rows a thread got. It differs from the plain kernel's by round-off only.
 */
public final class MatMulVectorKernel implements MatMulLoops {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KC = MatMulKernel.KC;
    private static final int NC = MatMulKernel.NC;

    /** The kernel; {@link java.util.ServiceLoader} makes one. */
    public MatMulVectorKernel() {
    }

    @Override
    public void multiply(double[] a, int offA, boolean ta, double[] b, int offB, boolean tb,
            double[] c, int offC, int n, int k, int m, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(c, offC + i * m, offC + i * m + m, 0.0);
        }
        if (k == 0 || i0 >= i1) {
            return;
        }
        int rsA = ta ? 1 : k;
        int csA = ta ? n : 1;
        double[] packed = tb ? new double[Math.min(KC, k) * Math.min(NC, m)] : null;
        for (int jc = 0; jc < m; jc += NC) {
            int nc = Math.min(NC, m - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                double[] bb = b;
                int offBlock = offB + pc * m + jc;
                int ldb = m;
                if (tb) {
                    for (int p = 0; p < kc; p++) {
                        int src = offB + jc * k + pc + p;
                        for (int j = 0; j < nc; j++) {
                            packed[p * nc + j] = b[src + j * k];
                        }
                    }
                    bb = packed;
                    offBlock = 0;
                    ldb = nc;
                }
                int i = i0;
                for (; i + 8 <= i1; i += 8) {
                    rows8(a, offA + i * rsA + pc * csA, rsA, csA, bb, offBlock, ldb, c, offC + i * m + jc, m, kc, nc);
                }
                for (; i + 4 <= i1; i += 4) {
                    rows4(a, offA + i * rsA + pc * csA, rsA, csA, bb, offBlock, ldb, c, offC + i * m + jc, m, kc, nc);
                }
                for (; i < i1; i++) {
                    rows1(a, offA + i * rsA + pc * csA, csA, bb, offBlock, ldb, c, offC + i * m + jc, kc, nc);
                }
            }
        }
    }

    /** Eight rows of C += eight rows of A (kc long) times a kc x nc block of B: the main tile. */
    private static void rows8(double[] a, int a0, int rsA, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int ldc, int kc, int nc) {
        int j = 0;
        for (; j + 2 * L <= nc; j += 2 * L) {
            // Written out in full: C2 stops inlining helpers in a method this large, and a
            // vector passed to a call that is not inlined is boxed, which is ten times slower.
            DoubleVector c00 = DoubleVector.zero(S);
            DoubleVector c01 = c00;
            DoubleVector c10 = c00;
            DoubleVector c11 = c00;
            DoubleVector c20 = c00;
            DoubleVector c21 = c00;
            DoubleVector c30 = c00;
            DoubleVector c31 = c00;
            DoubleVector c40 = c00;
            DoubleVector c41 = c00;
            DoubleVector c50 = c00;
            DoubleVector c51 = c00;
            DoubleVector c60 = c00;
            DoubleVector c61 = c00;
            DoubleVector c70 = c00;
            DoubleVector c71 = c00;
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                DoubleVector y0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector y1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector x = DoubleVector.broadcast(S, a[ap]);
                c00 = x.fma(y0, c00);
                c01 = x.fma(y1, c01);
                x = DoubleVector.broadcast(S, a[ap + rsA]);
                c10 = x.fma(y0, c10);
                c11 = x.fma(y1, c11);
                x = DoubleVector.broadcast(S, a[ap + 2 * rsA]);
                c20 = x.fma(y0, c20);
                c21 = x.fma(y1, c21);
                x = DoubleVector.broadcast(S, a[ap + 3 * rsA]);
                c30 = x.fma(y0, c30);
                c31 = x.fma(y1, c31);
                x = DoubleVector.broadcast(S, a[ap + 4 * rsA]);
                c40 = x.fma(y0, c40);
                c41 = x.fma(y1, c41);
                x = DoubleVector.broadcast(S, a[ap + 5 * rsA]);
                c50 = x.fma(y0, c50);
                c51 = x.fma(y1, c51);
                x = DoubleVector.broadcast(S, a[ap + 6 * rsA]);
                c60 = x.fma(y0, c60);
                c61 = x.fma(y1, c61);
                x = DoubleVector.broadcast(S, a[ap + 7 * rsA]);
                c70 = x.fma(y0, c70);
                c71 = x.fma(y1, c71);
            }
            DoubleVector.fromArray(S, c, c0 + j).add(c00).intoArray(c, c0 + j);
            DoubleVector.fromArray(S, c, c0 + j + L).add(c01).intoArray(c, c0 + j + L);
            DoubleVector.fromArray(S, c, c0 + ldc + j).add(c10).intoArray(c, c0 + ldc + j);
            DoubleVector.fromArray(S, c, c0 + ldc + j + L).add(c11).intoArray(c, c0 + ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + j).add(c20).intoArray(c, c0 + 2 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + j + L).add(c21).intoArray(c, c0 + 2 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + j).add(c30).intoArray(c, c0 + 3 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + j + L).add(c31).intoArray(c, c0 + 3 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 4 * ldc + j).add(c40).intoArray(c, c0 + 4 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 4 * ldc + j + L).add(c41).intoArray(c, c0 + 4 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 5 * ldc + j).add(c50).intoArray(c, c0 + 5 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 5 * ldc + j + L).add(c51).intoArray(c, c0 + 5 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 6 * ldc + j).add(c60).intoArray(c, c0 + 6 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 6 * ldc + j + L).add(c61).intoArray(c, c0 + 6 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 7 * ldc + j).add(c70).intoArray(c, c0 + 7 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 7 * ldc + j + L).add(c71).intoArray(c, c0 + 7 * ldc + j + L);
        }
        // Column leftovers: the four-row tile handles them, row block by row block, in the same order.
        if (j < nc) {
            rows4(a, a0, rsA, csA, b, b0 + j, ldb, c, c0 + j, ldc, kc, nc - j);
            rows4(a, a0 + 4 * rsA, rsA, csA, b, b0 + j, ldb, c, c0 + 4 * ldc + j, ldc, kc, nc - j);
        }
    }

    /** Four rows of C += four rows of A (kc long) times a kc x nc block of B. */
    private static void rows4(double[] a, int a0, int rsA, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int ldc, int kc, int nc) {
        int j = 0;
        for (; j + 2 * L <= nc; j += 2 * L) {
            DoubleVector c00 = DoubleVector.zero(S);
            DoubleVector c01 = c00;
            DoubleVector c10 = c00;
            DoubleVector c11 = c00;
            DoubleVector c20 = c00;
            DoubleVector c21 = c00;
            DoubleVector c30 = c00;
            DoubleVector c31 = c00;
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                DoubleVector y0 = DoubleVector.fromArray(S, b, bp);
                DoubleVector y1 = DoubleVector.fromArray(S, b, bp + L);
                DoubleVector x = DoubleVector.broadcast(S, a[ap]);
                c00 = x.fma(y0, c00);
                c01 = x.fma(y1, c01);
                x = DoubleVector.broadcast(S, a[ap + rsA]);
                c10 = x.fma(y0, c10);
                c11 = x.fma(y1, c11);
                x = DoubleVector.broadcast(S, a[ap + 2 * rsA]);
                c20 = x.fma(y0, c20);
                c21 = x.fma(y1, c21);
                x = DoubleVector.broadcast(S, a[ap + 3 * rsA]);
                c30 = x.fma(y0, c30);
                c31 = x.fma(y1, c31);
            }
            DoubleVector.fromArray(S, c, c0 + j).add(c00).intoArray(c, c0 + j);
            DoubleVector.fromArray(S, c, c0 + j + L).add(c01).intoArray(c, c0 + j + L);
            DoubleVector.fromArray(S, c, c0 + ldc + j).add(c10).intoArray(c, c0 + ldc + j);
            DoubleVector.fromArray(S, c, c0 + ldc + j + L).add(c11).intoArray(c, c0 + ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + j).add(c20).intoArray(c, c0 + 2 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + j + L).add(c21).intoArray(c, c0 + 2 * ldc + j + L);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + j).add(c30).intoArray(c, c0 + 3 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + j + L).add(c31).intoArray(c, c0 + 3 * ldc + j + L);
        }
        for (; j + L <= nc; j += L) {
            DoubleVector c0v = DoubleVector.zero(S);
            DoubleVector c1v = c0v;
            DoubleVector c2v = c0v;
            DoubleVector c3v = c0v;
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                DoubleVector y = DoubleVector.fromArray(S, b, bp);
                c0v = DoubleVector.broadcast(S, a[ap]).fma(y, c0v);
                c1v = DoubleVector.broadcast(S, a[ap + rsA]).fma(y, c1v);
                c2v = DoubleVector.broadcast(S, a[ap + 2 * rsA]).fma(y, c2v);
                c3v = DoubleVector.broadcast(S, a[ap + 3 * rsA]).fma(y, c3v);
            }
            DoubleVector.fromArray(S, c, c0 + j).add(c0v).intoArray(c, c0 + j);
            DoubleVector.fromArray(S, c, c0 + ldc + j).add(c1v).intoArray(c, c0 + ldc + j);
            DoubleVector.fromArray(S, c, c0 + 2 * ldc + j).add(c2v).intoArray(c, c0 + 2 * ldc + j);
            DoubleVector.fromArray(S, c, c0 + 3 * ldc + j).add(c3v).intoArray(c, c0 + 3 * ldc + j);
        }
        for (int r = 0; r < 4; r++) {
            rowTail(a, a0 + r * rsA, csA, b, b0, ldb, c, c0 + r * ldc, kc, j, nc);
        }
    }

    /** One row of C += one row of A times a kc x nc block of B, in the same order as rows4. */
    private static void rows1(double[] a, int a0, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int kc, int nc) {
        int j = 0;
        for (; j + 2 * L <= nc; j += 2 * L) {
            DoubleVector c00 = DoubleVector.zero(S);
            DoubleVector c01 = c00;
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                DoubleVector x = DoubleVector.broadcast(S, a[ap]);
                c00 = x.fma(DoubleVector.fromArray(S, b, bp), c00);
                c01 = x.fma(DoubleVector.fromArray(S, b, bp + L), c01);
            }
            DoubleVector.fromArray(S, c, c0 + j).add(c00).intoArray(c, c0 + j);
            DoubleVector.fromArray(S, c, c0 + j + L).add(c01).intoArray(c, c0 + j + L);
        }
        for (; j + L <= nc; j += L) {
            DoubleVector acc = DoubleVector.zero(S);
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                acc = DoubleVector.broadcast(S, a[ap]).fma(DoubleVector.fromArray(S, b, bp), acc);
            }
            DoubleVector.fromArray(S, c, c0 + j).add(acc).intoArray(c, c0 + j);
        }
        rowTail(a, a0, csA, b, b0, ldb, c, c0, kc, j, nc);
    }

    /** Columns [j0, nc) of one row, one element at a time with the same fma chain. */
    private static void rowTail(double[] a, int a0, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int kc, int j0, int nc) {
        for (int j = j0; j < nc; j++) {
            double acc = 0.0;
            int ap = a0;
            int bp = b0 + j;
            for (int p = 0; p < kc; p++, ap += csA, bp += ldb) {
                acc = Math.fma(a[ap], b[bp], acc);
            }
            c[c0 + j] += acc;
        }
    }
}
