package dev.gradtape.autodiff.vector;

import dev.gradtape.autodiff.kernels.MatMulKernel;
import dev.gradtape.autodiff.kernels.MatMulLoops;
import java.util.Arrays;
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
 * <p><b>Register tile, sized to the register file.</b> A tile of MR rows by NV vectors of C
 * stays in MR x NV accumulator registers while k runs over a block of {@link MatMulKernel#KC};
 * each k step loads NV vectors of B and broadcasts MR elements of A, one at a time, so the tile
 * needs MR NV + NV + 1 registers. The species fixes the tile: with 512-bit vectors (AVX-512,
 * 32 registers) it is 8 x 3 (28 registers); with narrower ones (AVX2, 16 registers) it is 6 x 2
 * (15), where the 8 x 2 tile of earlier versions needed 19 and spilled. Columns that do not
 * fill NV vectors take an MR x 1 tile, one vector at a time. The figures behind the choice are
 * in docs/benchmarks/2026-12-02-vector-kernel.md.
 *
 * <p><b>Packing.</b> For each k block, MC rows of A are copied into per-thread scratch as
 * panels of MR rows, A(i, p) of a panel at {@code p MR + i}, so the tile reads A from one
 * contiguous stream at constant offsets whatever A's layout. B is packed too, as panels of NV L
 * (or L) columns, B(p, j) at {@code p width + j}, when the call has at least
 * {@code PACK_B_ROWS} rows or B is stored transposed: the tile then reads it at a constant
 * stride, and C2 drops the bounds checks from the tile's loop. With fewer rows (the engine's
 * 48-row chunks, when threads share a product) a B stored k x m is read in place, since every
 * chunk would pack the same B again; only its last partial vector of columns is copied. Blocks
 * of at most 2L columns (the m = 8 products of a narrow layer) read A in place instead: each of
 * its elements serves so few columns that packing it would cost about as much as the product.
 * Packed panels are zero-padded (rows past the range, columns past m), so the tile always runs
 * at full size, and only the valid part of an edge tile, computed into scratch, is added to C.
 * The scratch is allocated once per thread (a {@link ThreadLocal}) at a size fixed by the
 * blocking, so a product allocates nothing.
 *
 * <p><b>Summation order.</b> For every element, each k block is summed as a chain of fused
 * multiply-adds starting from 0, c_block = fma(a_p, b_p, ... fma(a_p0, b_p0, 0)), and the blocks are
 * added to C in order of k. A lane of the vector fma is the same correctly rounded operation as
 * {@link Math#fma}, and the zero padding only adds lanes and rows that are thrown away, so the
 * value of an element depends on neither the rows a thread got, nor the tile, nor the species:
 * the bits are the same under AVX2 and AVX-512. It differs from the plain kernel's by round-off
 * only.
 */
public final class MatMulVectorKernel implements MatMulLoops {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    /** Doubles per vector. */
    private static final int L = S.length();
    /** 512-bit vectors: AVX-512 (or SVE-512), both of 32 vector registers. */
    private static final boolean WIDE = S.vectorBitSize() >= 512;
    /** Rows of the register tile. */
    private static final int MR = WIDE ? 8 : 6;
    /** Vectors of columns of the register tile. */
    private static final int NV = WIDE ? 3 : 2;
    /** Columns of the register tile. */
    private static final int NR = NV * L;
    /** Rows of A packed at a time: 16 panels, at most 128 x KC doubles (128 KiB), for the L2. */
    private static final int MC = 16 * MR;
    /**
     * Rows from which a call packs B: each packed element then serves at least this many rows.
     * Below it (the engine's 48-row chunks, when threads share a product) B is read in place,
     * since every chunk would pack the same B again.
     */
    private static final int PACK_B_ROWS = 64;
    private static final int KC = MatMulKernel.KC;
    private static final int NC = MatMulKernel.NC;

    /** One thread's packing buffers, sized by the blocking constants once. */
    private static final class Scratch {
        /** MC rows of A in panels of MR. */
        final double[] a = new double[MC * KC];
        /** A KC x NC block of B in panels (columns rounded up to whole vectors). */
        final double[] b = new double[KC * ((NC + L - 1) / L * L)];
        /** One MR x NR edge tile of C. */
        final double[] tile = new double[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The kernel; {@link java.util.ServiceLoader} makes one. */
    public MatMulVectorKernel() {
    }

    @Override
    public void multiply(double[] a, int offA, boolean ta, double[] b, int offB, boolean tb,
            double[] c, int offC, int n, int k, int m, int i0, int i1) {
        Arrays.fill(c, offC + i0 * m, offC + i1 * m, 0.0); // the rows are contiguous
        if (k == 0 || i0 >= i1) {
            return;
        }
        Scratch s = SCRATCH.get();
        for (int jc = 0; jc < m; jc += NC) {
            int nc = Math.min(NC, m - jc);
            // Columns [0, inPlace) of the block are read from b itself, the rest from s.b.
            int inPlace = tb || i1 - i0 >= PACK_B_ROWS ? 0 : nc / L * L;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                if (nc <= 2 * L) {
                    narrowBlock(s, a, offA, ta, n, k, b, offB, tb, m, pc, kc, jc, nc, c, offC, i0, i1);
                    continue;
                }
                if (inPlace < nc) {
                    packB(b, offB, tb, k, m, pc, kc, jc + inPlace, nc - inPlace, s.b);
                }
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(a, offA, ta, n, k, ic, mc, pc, kc, s.a);
                    int jr = 0;
                    while (jr < nc) {
                        int w;
                        if (jr + NR <= inPlace) {
                            w = NR;
                            panel(true, false, s, mc, kc, b, offB + pc * m + jc + jr, m, NR, c, offC + ic * m + jc + jr, m);
                        } else if (jr + L <= inPlace) {
                            w = L;
                            panel(false, false, s, mc, kc, b, offB + pc * m + jc + jr, m, L, c, offC + ic * m + jc + jr, m);
                        } else {
                            // Packed columns: panels of NR while they are more than one vector short of
                            // full (a padded vector costs less than MR x 1 tiles), then of L.
                            int rem = nc - jr;
                            boolean full = rem > NR - L;
                            w = full ? NR : L;
                            panel(full, true, s, mc, kc, s.b, (jr - inPlace) * kc, w, Math.min(w, rem), c,
                                    offC + ic * m + jc + jr, m);
                        }
                        jr += w;
                    }
                }
            }
        }
    }

    /**
     * Rows [i0, i1) of C += op(A) times a block of at most 2L columns of op(B) (k rows from pc,
     * columns from jc), in MR x NV tiles where they fit, else MR x 1. A is read in place:
     * each of its elements serves at most 2L columns here, so packing it would cost about as
     * much as the product. Only the last rows, fewer than MR, are packed (zero-padded), and B's
     * last partial vector of columns, or all of a transposed B.
     */
    private static void narrowBlock(Scratch s, double[] a, int offA, boolean ta, int n, int k, double[] b, int offB,
            boolean tb, int m, int pc, int kc, int jc, int nc, double[] c, int offC, int i0, int i1) {
        int rs = ta ? 1 : k;
        int cs = ta ? n : 1;
        int inPlace = tb ? 0 : nc / L * L;
        if (inPlace < nc) {
            packB(b, offB, tb, k, m, pc, kc, jc + inPlace, nc - inPlace, s.b);
        }
        int iTail = i0 + (i1 - i0) / MR * MR;
        if (iTail < i1) {
            packA(a, offA, ta, n, k, iTail, i1 - iTail, pc, kc, s.a);
        }
        int jr = 0;
        while (jr < nc) {
            // MR x NV tiles where NV vectors fit (only when NR <= 2L, two vectors a tile), else
            // MR x 1; the packed columns in the panels packB laid out.
            boolean full;
            int w;
            double[] bb;
            int b0;
            int ldb;
            int cols;
            if (jr + L <= inPlace) {
                full = jr + NR <= inPlace;
                w = full ? NR : L;
                bb = b;
                b0 = offB + pc * m + jc + jr;
                ldb = m;
                cols = w;
            } else {
                full = nc - jr > NR - L;
                w = full ? NR : L;
                bb = s.b;
                b0 = (jr - inPlace) * kc;
                ldb = w;
                cols = Math.min(w, nc - jr);
            }
            for (int i = i0; i < iTail; i += MR) {
                int c0 = offC + i * m + jc + jr;
                if (cols == w) {
                    strided(full, a, offA + i * rs + pc * cs, cs, rs, bb, b0, ldb, kc, c, c0, m);
                } else {
                    double[] t = s.tile;
                    Arrays.fill(t, 0.0);
                    strided(full, a, offA + i * rs + pc * cs, cs, rs, bb, b0, ldb, kc, t, 0, w);
                    addTile(t, w, MR, cols, c, c0, m);
                }
            }
            if (iTail < i1) {
                double[] t = s.tile;
                Arrays.fill(t, 0.0);
                tile(full, false, s.a, 0, bb, b0, ldb, kc, t, 0, w);
                addTile(t, w, i1 - iTail, cols, c, offC + iTail * m + jc + jr, m);
            }
            jr += w;
        }
    }

    /** C[rows x cols at c0, row stride ldc] += the same part of the edge tile t (row stride w). */
    private static void addTile(double[] t, int w, int rows, int cols, double[] c, int c0, int ldc) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                c[c0 + r * ldc + j] += t[r * w + j];
            }
        }
    }

    /**
     * A tile with A in place (A(r, p) at a0 + p sp + r sr), B at row stride ldb: MR x NV vectors
     * if {@code full}, else MR x 1. With 512-bit vectors NR = 3L never fits a narrow block.
     */
    private static void strided(boolean full, double[] a, int a0, int sp, int sr, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        if (WIDE) {
            strided8x1(a, a0, sp, sr, bp, b0, ldb, kc, c, c0, ldc);
        } else if (full) {
            strided6x2(a, a0, sp, sr, bp, b0, ldb, kc, c, c0, ldc);
        } else {
            strided6x1(a, a0, sp, sr, bp, b0, ldb, kc, c, c0, ldc);
        }
    }

    /**
     * C[ic.., jr..] += the mc packed rows of A (s.a) times the columns of B at b0 (row stride ldb;
     * {@code packed}: a panel of s.b, whose stride is its width): an NR-wide column panel if
     * {@code full}, else one vector, of which {@code cols} are real.
     */
    private static void panel(boolean full, boolean packed, Scratch s, int mc, int kc, double[] b, int b0, int ldb,
            int cols, double[] c, int c0, int ldc) {
        int w = full ? NR : L;
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            if (rows == MR && cols == w) {
                tile(full, packed, s.a, ir * kc, b, b0, ldb, kc, c, c0 + ir * ldc, ldc);
            } else {
                double[] t = s.tile;
                Arrays.fill(t, 0.0);
                tile(full, packed, s.a, ir * kc, b, b0, ldb, kc, t, 0, w);
                addTile(t, w, rows, cols, c, c0 + ir * ldc, ldc);
            }
        }
    }

    /**
     * Columns [j0, j0 + nc) of rows [pc, pc + kc) of op(B) into {@code pb}, in panels of NR columns
     * (or L for the last ones, as {@link #multiply} walks them) zero-padded to full width; the
     * panel that starts at column jr (counted from j0) starts at {@code jr kc}.
     */
    private static void packB(double[] b, int offB, boolean tb, int k, int m, int pc, int kc, int j0, int nc,
            double[] pb) {
        int jr = 0;
        while (jr < nc) {
            int w = nc - jr > NR - L ? NR : L;
            int cols = Math.min(w, nc - jr);
            int dst = jr * kc;
            for (int p = 0; p < kc; p++, dst += w) {
                if (tb) {
                    // op(B)(p, j) = b[offB + j k + p]
                    int src = offB + (j0 + jr) * k + pc + p;
                    for (int j = 0; j < cols; j++) {
                        pb[dst + j] = b[src + j * k];
                    }
                } else if (cols == w) {
                    // whole vectors: cheaper than a call to System.arraycopy for 8 to 24 elements
                    int src = offB + (pc + p) * m + j0 + jr;
                    for (int v = 0; v < w; v += L) {
                        DoubleVector.fromArray(S, b, src + v).intoArray(pb, dst + v);
                    }
                } else {
                    // a partial panel, as narrow as one column (a single-output layer's gradient):
                    // a loop, where a call to arraycopy and one to fill per row cost more than the copy
                    int src = offB + (pc + p) * m + j0 + jr;
                    for (int j = 0; j < cols; j++) {
                        pb[dst + j] = b[src + j];
                    }
                }
                for (int j = cols; j < w; j++) {
                    pb[dst + j] = 0.0;
                }
            }
            jr += w;
        }
    }

    /**
     * Rows [ic, ic + mc) and columns [pc, pc + kc) of op(A) into {@code pa} as panels of MR rows,
     * A(ic + ir + r, pc + p) at {@code ir kc + p MR + r}, rows past mc zero. Both loops run p
     * outside and the MR rows of a panel inside, so the writes are contiguous.
     */
    private static void packA(double[] a, int offA, boolean ta, int n, int k, int ic, int mc, int pc, int kc,
            double[] pa) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int dst = ir * kc;
            if (rows < MR) {
                Arrays.fill(pa, dst, dst + kc * MR, 0.0);
            }
            // op(A)(i, p) is a[offA + i rs + p cs]
            int rs = ta ? 1 : k;
            int cs = ta ? n : 1;
            int src = offA + (ic + ir) * rs + pc * cs;
            if (rows == MR) {
                for (int p = 0; p < kc; p++, src += cs, dst += MR) {
                    for (int r = 0; r < MR; r++) {
                        pa[dst + r] = a[src + r * rs];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++, src += cs, dst += MR) {
                    for (int r = 0; r < rows; r++) {
                        pa[dst + r] = a[src + r * rs];
                    }
                }
            }
        }
    }

    /**
     * One register tile: MR x NV vectors if {@code full}, else MR x 1 vector; B packed (its row
     * stride the tile's width, a constant, so C2 can drop the bounds checks from the loop) or in
     * place (row stride ldb).
     */
    private static void tile(boolean full, boolean packed, double[] ap, int a0, double[] bp, int b0, int ldb, int kc,
            double[] c, int c0, int ldc) {
        if (WIDE) {
            if (packed) {
                if (full) {
                    packed8x3(ap, a0, bp, b0, kc, c, c0, ldc);
                } else {
                    packed8x1(ap, a0, bp, b0, kc, c, c0, ldc);
                }
            } else if (full) {
                inPlace8x3(ap, a0, bp, b0, ldb, kc, c, c0, ldc);
            } else {
                inPlace8x1(ap, a0, bp, b0, ldb, kc, c, c0, ldc);
            }
        } else if (packed) {
            if (full) {
                packed6x2(ap, a0, bp, b0, kc, c, c0, ldc);
            } else {
                packed6x1(ap, a0, bp, b0, kc, c, c0, ldc);
            }
        } else if (full) {
            inPlace6x2(ap, a0, bp, b0, ldb, kc, c, c0, ldc);
        } else {
            inPlace6x1(ap, a0, bp, b0, ldb, kc, c, c0, ldc);
        }
    }

    // The tiles: one loop, written out for each shape and layout, because C2 keeps accumulators in
    // registers only as named locals (a vector in an array, or passed to a call that is not
    // inlined, is boxed, ten times slower).
    // BEGIN TILES: written by TileSource (src/test); change it and run its main, not these.
    // Each accumulator c_rv is the chain c = fma(a_p, b_p, c), p = 0..kc-1, for row r and
    // vector v of the tile; then C += c.

    /** C[8 x 3L] += the 8-row panel of A times a packed 3L-column panel of B (row stride 3L). */
    private static void packed8x3(double[] ap, int a0, double[] bp, int b0,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = c00;
        DoubleVector c02 = c00;
        DoubleVector c10 = c00;
        DoubleVector c11 = c00;
        DoubleVector c12 = c00;
        DoubleVector c20 = c00;
        DoubleVector c21 = c00;
        DoubleVector c22 = c00;
        DoubleVector c30 = c00;
        DoubleVector c31 = c00;
        DoubleVector c32 = c00;
        DoubleVector c40 = c00;
        DoubleVector c41 = c00;
        DoubleVector c42 = c00;
        DoubleVector c50 = c00;
        DoubleVector c51 = c00;
        DoubleVector c52 = c00;
        DoubleVector c60 = c00;
        DoubleVector c61 = c00;
        DoubleVector c62 = c00;
        DoubleVector c70 = c00;
        DoubleVector c71 = c00;
        DoubleVector c72 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 8;
            int bi = b0 + p * (3 * L);
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector y2 = DoubleVector.fromArray(S, bp, bi + 2 * L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            c42 = x.fma(y2, c42);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            c52 = x.fma(y2, c52);
            x = DoubleVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            c62 = x.fma(y2, c62);
            x = DoubleVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            c72 = x.fma(y2, c72);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + L).add(c01).intoArray(c, c0 + L);
        DoubleVector.fromArray(S, c, c0 + 2 * L).add(c02).intoArray(c, c0 + 2 * L);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + ldc + L).add(c11).intoArray(c, c0 + ldc + L);
        DoubleVector.fromArray(S, c, c0 + ldc + 2 * L).add(c12).intoArray(c, c0 + ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + L).add(c21).intoArray(c, c0 + 2 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + 2 * L).add(c22).intoArray(c, c0 + 2 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + L).add(c31).intoArray(c, c0 + 3 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + 2 * L).add(c32).intoArray(c, c0 + 3 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + L).add(c41).intoArray(c, c0 + 4 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + 2 * L).add(c42).intoArray(c, c0 + 4 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + L).add(c51).intoArray(c, c0 + 5 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + 2 * L).add(c52).intoArray(c, c0 + 5 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc).add(c60).intoArray(c, c0 + 6 * ldc);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc + L).add(c61).intoArray(c, c0 + 6 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc + 2 * L).add(c62).intoArray(c, c0 + 6 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc).add(c70).intoArray(c, c0 + 7 * ldc);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc + L).add(c71).intoArray(c, c0 + 7 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc + 2 * L).add(c72).intoArray(c, c0 + 7 * ldc + 2 * L);
    }

    /** C[8 x 1L] += the 8-row panel of A times a packed 1L-column panel of B (row stride 1L). */
    private static void packed8x1(double[] ap, int a0, double[] bp, int b0,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        DoubleVector c60 = c00;
        DoubleVector c70 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 8;
            int bi = b0 + p * (1 * L);
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            x = DoubleVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(y0, c60);
            x = DoubleVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(y0, c70);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc).add(c60).intoArray(c, c0 + 6 * ldc);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc).add(c70).intoArray(c, c0 + 7 * ldc);
    }

    /** C[6 x 2L] += the 6-row panel of A times a packed 2L-column panel of B (row stride 2L). */
    private static void packed6x2(double[] ap, int a0, double[] bp, int b0,
            int kc, double[] c, int c0, int ldc) {
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
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 6;
            int bi = b0 + p * (2 * L);
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + L).add(c01).intoArray(c, c0 + L);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + ldc + L).add(c11).intoArray(c, c0 + ldc + L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + L).add(c21).intoArray(c, c0 + 2 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + L).add(c31).intoArray(c, c0 + 3 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + L).add(c41).intoArray(c, c0 + 4 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + L).add(c51).intoArray(c, c0 + 5 * ldc + L);
    }

    /** C[6 x 1L] += the 6-row panel of A times a packed 1L-column panel of B (row stride 1L). */
    private static void packed6x1(double[] ap, int a0, double[] bp, int b0,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 6;
            int bi = b0 + p * (1 * L);
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
    }

    /** C[8 x 3L] += the 8-row panel of A times 3L columns of B in place (row stride ldb). */
    private static void inPlace8x3(double[] ap, int a0, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = c00;
        DoubleVector c02 = c00;
        DoubleVector c10 = c00;
        DoubleVector c11 = c00;
        DoubleVector c12 = c00;
        DoubleVector c20 = c00;
        DoubleVector c21 = c00;
        DoubleVector c22 = c00;
        DoubleVector c30 = c00;
        DoubleVector c31 = c00;
        DoubleVector c32 = c00;
        DoubleVector c40 = c00;
        DoubleVector c41 = c00;
        DoubleVector c42 = c00;
        DoubleVector c50 = c00;
        DoubleVector c51 = c00;
        DoubleVector c52 = c00;
        DoubleVector c60 = c00;
        DoubleVector c61 = c00;
        DoubleVector c62 = c00;
        DoubleVector c70 = c00;
        DoubleVector c71 = c00;
        DoubleVector c72 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 8;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector y2 = DoubleVector.fromArray(S, bp, bi + 2 * L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            c02 = x.fma(y2, c02);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            c12 = x.fma(y2, c12);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            c22 = x.fma(y2, c22);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            c32 = x.fma(y2, c32);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            c42 = x.fma(y2, c42);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
            c52 = x.fma(y2, c52);
            x = DoubleVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(y0, c60);
            c61 = x.fma(y1, c61);
            c62 = x.fma(y2, c62);
            x = DoubleVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(y0, c70);
            c71 = x.fma(y1, c71);
            c72 = x.fma(y2, c72);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + L).add(c01).intoArray(c, c0 + L);
        DoubleVector.fromArray(S, c, c0 + 2 * L).add(c02).intoArray(c, c0 + 2 * L);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + ldc + L).add(c11).intoArray(c, c0 + ldc + L);
        DoubleVector.fromArray(S, c, c0 + ldc + 2 * L).add(c12).intoArray(c, c0 + ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + L).add(c21).intoArray(c, c0 + 2 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + 2 * L).add(c22).intoArray(c, c0 + 2 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + L).add(c31).intoArray(c, c0 + 3 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + 2 * L).add(c32).intoArray(c, c0 + 3 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + L).add(c41).intoArray(c, c0 + 4 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + 2 * L).add(c42).intoArray(c, c0 + 4 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + L).add(c51).intoArray(c, c0 + 5 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + 2 * L).add(c52).intoArray(c, c0 + 5 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc).add(c60).intoArray(c, c0 + 6 * ldc);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc + L).add(c61).intoArray(c, c0 + 6 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc + 2 * L).add(c62).intoArray(c, c0 + 6 * ldc + 2 * L);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc).add(c70).intoArray(c, c0 + 7 * ldc);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc + L).add(c71).intoArray(c, c0 + 7 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc + 2 * L).add(c72).intoArray(c, c0 + 7 * ldc + 2 * L);
    }

    /** C[8 x 1L] += the 8-row panel of A times 1L columns of B in place (row stride ldb). */
    private static void inPlace8x1(double[] ap, int a0, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        DoubleVector c60 = c00;
        DoubleVector c70 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 8;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            x = DoubleVector.broadcast(S, ap[ai + 6]);
            c60 = x.fma(y0, c60);
            x = DoubleVector.broadcast(S, ap[ai + 7]);
            c70 = x.fma(y0, c70);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc).add(c60).intoArray(c, c0 + 6 * ldc);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc).add(c70).intoArray(c, c0 + 7 * ldc);
    }

    /** C[6 x 2L] += the 6-row panel of A times 2L columns of B in place (row stride ldb). */
    private static void inPlace6x2(double[] ap, int a0, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
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
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 6;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + L).add(c01).intoArray(c, c0 + L);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + ldc + L).add(c11).intoArray(c, c0 + ldc + L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + L).add(c21).intoArray(c, c0 + 2 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + L).add(c31).intoArray(c, c0 + 3 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + L).add(c41).intoArray(c, c0 + 4 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + L).add(c51).intoArray(c, c0 + 5 * ldc + L);
    }

    /** C[6 x 1L] += the 6-row panel of A times 1L columns of B in place (row stride ldb). */
    private static void inPlace6x1(double[] ap, int a0, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * 6;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(y0, c50);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
    }

    /** C[8 x 1L] += 8 rows of A in place (A(r, p) at a0 + p sp + r sr) times 1L columns of B (row stride ldb). */
    private static void strided8x1(double[] ap, int a0, int sp, int sr, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        DoubleVector c60 = c00;
        DoubleVector c70 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * sp;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + sr]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2 * sr]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3 * sr]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4 * sr]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5 * sr]);
            c50 = x.fma(y0, c50);
            x = DoubleVector.broadcast(S, ap[ai + 6 * sr]);
            c60 = x.fma(y0, c60);
            x = DoubleVector.broadcast(S, ap[ai + 7 * sr]);
            c70 = x.fma(y0, c70);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 6 * ldc).add(c60).intoArray(c, c0 + 6 * ldc);
        DoubleVector.fromArray(S, c, c0 + 7 * ldc).add(c70).intoArray(c, c0 + 7 * ldc);
    }

    /** C[6 x 2L] += 6 rows of A in place (A(r, p) at a0 + p sp + r sr) times 2L columns of B (row stride ldb). */
    private static void strided6x2(double[] ap, int a0, int sp, int sr, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
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
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * sp;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector y1 = DoubleVector.fromArray(S, bp, bi + L);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            c01 = x.fma(y1, c01);
            x = DoubleVector.broadcast(S, ap[ai + sr]);
            c10 = x.fma(y0, c10);
            c11 = x.fma(y1, c11);
            x = DoubleVector.broadcast(S, ap[ai + 2 * sr]);
            c20 = x.fma(y0, c20);
            c21 = x.fma(y1, c21);
            x = DoubleVector.broadcast(S, ap[ai + 3 * sr]);
            c30 = x.fma(y0, c30);
            c31 = x.fma(y1, c31);
            x = DoubleVector.broadcast(S, ap[ai + 4 * sr]);
            c40 = x.fma(y0, c40);
            c41 = x.fma(y1, c41);
            x = DoubleVector.broadcast(S, ap[ai + 5 * sr]);
            c50 = x.fma(y0, c50);
            c51 = x.fma(y1, c51);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + L).add(c01).intoArray(c, c0 + L);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + ldc + L).add(c11).intoArray(c, c0 + ldc + L);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc + L).add(c21).intoArray(c, c0 + 2 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc + L).add(c31).intoArray(c, c0 + 3 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc + L).add(c41).intoArray(c, c0 + 4 * ldc + L);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc + L).add(c51).intoArray(c, c0 + 5 * ldc + L);
    }

    /** C[6 x 1L] += 6 rows of A in place (A(r, p) at a0 + p sp + r sr) times 1L columns of B (row stride ldb). */
    private static void strided6x1(double[] ap, int a0, int sp, int sr, double[] bp, int b0, int ldb,
            int kc, double[] c, int c0, int ldc) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c10 = c00;
        DoubleVector c20 = c00;
        DoubleVector c30 = c00;
        DoubleVector c40 = c00;
        DoubleVector c50 = c00;
        for (int p = 0; p < kc; p++) {
            int ai = a0 + p * sp;
            int bi = b0 + p * ldb;
            DoubleVector y0 = DoubleVector.fromArray(S, bp, bi);
            DoubleVector x = DoubleVector.broadcast(S, ap[ai]);
            c00 = x.fma(y0, c00);
            x = DoubleVector.broadcast(S, ap[ai + sr]);
            c10 = x.fma(y0, c10);
            x = DoubleVector.broadcast(S, ap[ai + 2 * sr]);
            c20 = x.fma(y0, c20);
            x = DoubleVector.broadcast(S, ap[ai + 3 * sr]);
            c30 = x.fma(y0, c30);
            x = DoubleVector.broadcast(S, ap[ai + 4 * sr]);
            c40 = x.fma(y0, c40);
            x = DoubleVector.broadcast(S, ap[ai + 5 * sr]);
            c50 = x.fma(y0, c50);
        }
        DoubleVector.fromArray(S, c, c0).add(c00).intoArray(c, c0);
        DoubleVector.fromArray(S, c, c0 + ldc).add(c10).intoArray(c, c0 + ldc);
        DoubleVector.fromArray(S, c, c0 + 2 * ldc).add(c20).intoArray(c, c0 + 2 * ldc);
        DoubleVector.fromArray(S, c, c0 + 3 * ldc).add(c30).intoArray(c, c0 + 3 * ldc);
        DoubleVector.fromArray(S, c, c0 + 4 * ldc).add(c40).intoArray(c, c0 + 4 * ldc);
        DoubleVector.fromArray(S, c, c0 + 5 * ldc).add(c50).intoArray(c, c0 + 5 * ldc);
    }
    // END TILES
}
