package dev.gradtape.autodiff.kernels;

/**
 * The plain-Java loops behind the matmul primitive: C = op(A) op(B) for one row range of one matrix of
 * a batch, where op is the identity or the transpose, all row-major. A transposed B is copied
 * block by block into a packing buffer; {@link MatMulEngine} normally hands over B already
 * transposed once per product, so that threads working on other rows do not repeat the copy.
 *
 * <p><b>Summation order.</b> Every element is computed as
 * {@code c = (...((0 + s_0) + s_1) + ...)} where {@code s_g} is the sum of the four products of
 * group {@code g} of consecutive k indices, {@code ((a_0 b_0 + a_1 b_1) + a_2 b_2) + a_3 b_3},
 * and the last group holds the k mod 4 leftovers one product at a time. That order depends only on
 * k, never on the row range, the blocking or the thread count, so a product is bit-for-bit the
 * same however its rows are shared among threads. Products whose B has at most {@link #SMALL_B}
 * elements (the article's 5 x 5 layers) take {@link #multiplySmall} instead, on either path, for
 * any number of rows: a plain sum in k order, without blocking, threads or dispatch, whose
 * bookkeeping would cost more than the arithmetic. Since neither choice looks at the number of
 * rows, a row of C has the same bits whether it is computed alone or among many.
 *
 * <p><b>Why this shape.</b> Four rows of C against four rows of B: every B element loaded serves
 * four rows of C, and every load and store of C carries four multiply-adds, where the textbook
 * i-k-j loop does one. HotSpot 17's C2 does not turn this body into SIMD instructions (it runs at
 * the same speed with {@code -XX:-UseSuperWord}; four stores into one array at unrelated offsets
 * defeat its dependence check), yet it was the fastest of the plain forms tried (the figures are
 * in docs/benchmarks/kernels.md). The vector-API kernel is the fast path. Blocks of {@link #KC} x {@link #NC} of B stay in the L2 cache while all rows of the range
 * pass over them.
 */
public final class MatMulKernel {
    /**
     * Rows of B (the k extent) per block; a multiple of 4 so the groups of four never straddle
     * blocks. Public for the vector kernel's module, which blocks the same way.
     */
    public static final int KC = 128;
    /** Columns of B and C per block. */
    public static final int NC = 256;

    /**
     * Elements of B (k times m) up to which a product is computed by {@link #multiplySmall}: the
     * article's layers (at most 5 x 5) and a 64-wide layer's single-output head. Larger B take the
     * blocked or vector loops whatever the row count, which at thousands of rows are the faster
     * (a Pendulum batch's 3 x 64 first layer, for one).
     */
    static final long SMALL_B = 64;
    /** Columns from which {@link #multiplySmall} runs row by row (i-p-j) rather than dot by dot. */
    static final int ROW_FORM_MIN = 4;

    private MatMulKernel() {
    }

    /**
     * C (n x m, at offC) = op(A) op(B), each element summed in k order from 0: the path for
     * products with a small B, however many rows. With B not transposed and rows of at least
     * {@link #ROW_FORM_MIN} columns the loops run i-p-j, four rows of C at a time, so the innermost
     * loop walks a row of B and rows of C, contiguous and long even when k is 1; {@link MatMulEngine}
     * hands B over untransposed for that reason. Otherwise they run i-j-p, a
     * dot product per element. Both add the k terms of each element in the same order, so the
     * result is the same to the bit.
     */
    static void multiplySmall(double[] a, int offA, boolean ta, double[] b, int offB, boolean tb,
            double[] c, int offC, int n, int k, int m) {
        int rsA = ta ? 1 : k;
        int csA = ta ? n : 1;
        if (!tb && m >= ROW_FORM_MIN) {
            java.util.Arrays.fill(c, offC, offC + n * m, 0.0);
            int i = 0;
            for (; i + 4 <= n; i += 4) { // four rows of C per row of B read, as in block4
                for (int p = 0; p < k; p++) {
                    rowTimes4(a, offA + i * rsA + p * csA, rsA, b, offB + p * m, c, offC + i * m, m, m);
                }
            }
            for (; i < n; i++) {
                int ci = offC + i * m;
                for (int p = 0; p < k; p++) {
                    double x = a[offA + i * rsA + p * csA];
                    int bp = offB + p * m;
                    for (int j = 0; j < m; j++) {
                        c[ci + j] += x * b[bp + j];
                    }
                }
            }
            return;
        }
        int rsB = tb ? 1 : m; // element (p, j) of op(B) is at j csB + p rsB
        int csB = tb ? k : 1;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = 0.0;
                int ap = offA + i * rsA;
                int bp = offB + j * csB;
                for (int p = 0; p < k; p++, ap += csA, bp += rsB) {
                    s += a[ap] * b[bp];
                }
                c[offC + i * m + j] = s;
            }
        }
    }

    /**
     * Overwrites rows {@code [i0, i1)} of C (n x m, at {@code offC}) with those rows of
     * op(A) op(B), where op(A) is n x k and op(B) is k x m. A is stored n x k, or k x n when
     * {@code ta}; B is stored k x m, or m x k when {@code tb}.
     */
    static void multiply(double[] a, int offA, boolean ta, double[] b, int offB, boolean tb,
            double[] c, int offC, int n, int k, int m, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            java.util.Arrays.fill(c, offC + i * m, offC + i * m + m, 0.0);
        }
        if (k == 0 || i0 >= i1) {
            return;
        }
        // A(i, p) lives at a[offA + i * rsA + p * csA].
        int rsA = ta ? 1 : k;
        int csA = ta ? n : 1;
        double[] packed = tb ? new double[Math.min(KC, k) * Math.min(NC, m)] : null;
        for (int jc = 0; jc < m; jc += NC) {
            int nc = Math.min(NC, m - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                double[] bb;
                int offBlock;
                int ldb;
                if (tb) {
                    // B^T block: element (p, j) of op(B) is b[offB + j * k + p].
                    for (int p = 0; p < kc; p++) {
                        int src = offB + jc * k + pc + p;
                        int dst = p * nc;
                        for (int j = 0; j < nc; j++) {
                            packed[dst + j] = b[src + j * k];
                        }
                    }
                    bb = packed;
                    offBlock = 0;
                    ldb = nc;
                } else {
                    bb = b;
                    offBlock = offB + pc * m + jc;
                    ldb = m;
                }
                int i = i0;
                for (; i + 4 <= i1; i += 4) {
                    block4(a, offA + i * rsA + pc * csA, rsA, csA, bb, offBlock, ldb,
                            c, offC + i * m + jc, m, kc, nc);
                }
                for (; i < i1; i++) {
                    block1(a, offA + i * rsA + pc * csA, csA, bb, offBlock, ldb,
                            c, offC + i * m + jc, kc, nc);
                }
            }
        }
    }

    /** Four rows of C (at c0, stride ldc) += four rows of A times a kc x nc block of B. */
    private static void block4(double[] a, int a0, int rsA, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int ldc, int kc, int nc) {
        int r0 = c0;
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
            int ap = a0 + p * csA;
            double x00 = a[ap];
            double x01 = a[ap + csA];
            double x02 = a[ap + 2 * csA];
            double x03 = a[ap + 3 * csA];
            ap += rsA;
            double x10 = a[ap];
            double x11 = a[ap + csA];
            double x12 = a[ap + 2 * csA];
            double x13 = a[ap + 3 * csA];
            ap += rsA;
            double x20 = a[ap];
            double x21 = a[ap + csA];
            double x22 = a[ap + 2 * csA];
            double x23 = a[ap + 3 * csA];
            ap += rsA;
            double x30 = a[ap];
            double x31 = a[ap + csA];
            double x32 = a[ap + 2 * csA];
            double x33 = a[ap + 3 * csA];
            int q0 = b0 + p * ldb;
            int q1 = q0 + ldb;
            int q2 = q1 + ldb;
            int q3 = q2 + ldb;
            for (int j = 0; j < nc; j++) {
                double y0 = b[q0 + j];
                double y1 = b[q1 + j];
                double y2 = b[q2 + j];
                double y3 = b[q3 + j];
                c[r0 + j] += x00 * y0 + x01 * y1 + x02 * y2 + x03 * y3;
                c[r1 + j] += x10 * y0 + x11 * y1 + x12 * y2 + x13 * y3;
                c[r2 + j] += x20 * y0 + x21 * y1 + x22 * y2 + x23 * y3;
                c[r3 + j] += x30 * y0 + x31 * y1 + x32 * y2 + x33 * y3;
            }
        }
        for (; p < kc; p++) {
            rowTimes4(a, a0 + p * csA, rsA, b, b0 + p * ldb, c, c0, ldc, nc);
        }
    }

    /**
     * Four rows of C (at c0, stride ldc, nc columns) += four elements of a column of A (at ap,
     * stride rsA) times one row of B (at q): one product added to each element.
     */
    private static void rowTimes4(double[] a, int ap, int rsA, double[] b, int q, double[] c, int c0,
            int ldc, int nc) {
        double x0 = a[ap];
        double x1 = a[ap + rsA];
        double x2 = a[ap + 2 * rsA];
        double x3 = a[ap + 3 * rsA];
        int r1 = c0 + ldc;
        int r2 = r1 + ldc;
        int r3 = r2 + ldc;
        for (int j = 0; j < nc; j++) {
            double y = b[q + j];
            c[c0 + j] += x0 * y;
            c[r1 + j] += x1 * y;
            c[r2 + j] += x2 * y;
            c[r3 + j] += x3 * y;
        }
    }

    /** One row of C (at c0) += one row of A times a kc x nc block of B; same order as block4. */
    private static void block1(double[] a, int a0, int csA, double[] b, int b0, int ldb,
            double[] c, int c0, int kc, int nc) {
        int p = 0;
        for (; p + 4 <= kc; p += 4) {
            int ap = a0 + p * csA;
            double x0 = a[ap];
            double x1 = a[ap + csA];
            double x2 = a[ap + 2 * csA];
            double x3 = a[ap + 3 * csA];
            int q0 = b0 + p * ldb;
            int q1 = q0 + ldb;
            int q2 = q1 + ldb;
            int q3 = q2 + ldb;
            for (int j = 0; j < nc; j++) {
                c[c0 + j] += x0 * b[q0 + j] + x1 * b[q1 + j] + x2 * b[q2 + j] + x3 * b[q3 + j];
            }
        }
        for (; p < kc; p++) {
            double x = a[a0 + p * csA];
            int q = b0 + p * ldb;
            for (int j = 0; j < nc; j++) {
                c[c0 + j] += x * b[q + j];
            }
        }
    }
}
