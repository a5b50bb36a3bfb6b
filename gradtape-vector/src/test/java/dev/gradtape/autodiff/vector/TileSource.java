package dev.gradtape.autodiff.vector;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the register tiles of {@link MatMulVectorKernel}: one loop, written out for each tile
 * shape and operand layout, since C2 keeps the accumulators in registers only as named locals.
 * The kernel's source holds the output between {@link #BEGIN} and {@link #END};
 * {@code TileSourceTest} checks that it is up to date, and {@link #main} rewrites it.
 */
final class TileSource {
    static final String BEGIN = "    // BEGIN TILES: written by TileSource (src/test); change it and run its main, not these.\n";
    static final String END = "    // END TILES\n";
    /** The kernel's source, relative to the module's folder (surefire's working directory). */
    static final Path KERNEL = Path.of("src/main/java/dev/gradtape/autodiff/vector/MatMulVectorKernel.java");

    /** How a tile reads A and B. */
    enum Layout {
        /** A in MR-row panels, B in panels whose row stride is the tile's width. */
        PACKED("packed"),
        /** A in MR-row panels, B in place at row stride ldb. */
        IN_PLACE("inPlace"),
        /** A in place, A(r, p) at a0 + p sp + r sr; B at row stride ldb. */
        STRIDED("strided");

        final String prefix;

        Layout(String prefix) {
            this.prefix = prefix;
        }
    }

    private TileSource() {
    }

    /** The tiles the kernel calls, in its order. */
    static String tiles() {
        StringBuilder s = new StringBuilder(BEGIN);
        s.append("    // Each accumulator c_rv is the chain c = fma(a_p, b_p, c), p = 0..kc-1, for row r and\n");
        s.append("    // vector v of the tile; then C += c.\n");
        int[][] packedAndInPlace = {{8, 3}, {8, 1}, {6, 2}, {6, 1}};
        for (Layout layout : new Layout[] {Layout.PACKED, Layout.IN_PLACE}) {
            for (int[] t : packedAndInPlace) {
                s.append('\n').append(tile(layout, t[0], t[1]));
            }
        }
        for (int[] t : new int[][] {{8, 1}, {6, 2}, {6, 1}}) {
            s.append('\n').append(tile(Layout.STRIDED, t[0], t[1]));
        }
        return s.append(END).toString();
    }

    /** One tile of mr rows by nv vectors. */
    static String tile(Layout layout, int mr, int nv) {
        StringBuilder s = new StringBuilder();
        String width = nv + "L";
        String doc = switch (layout) {
            case PACKED -> "the " + mr + "-row panel of A times a packed " + width + "-column panel of B (row stride "
                    + width + ")";
            case IN_PLACE -> "the " + mr + "-row panel of A times " + width + " columns of B in place (row stride ldb)";
            case STRIDED -> mr + " rows of A in place (A(r, p) at a0 + p sp + r sr) times " + width
                    + " columns of B (row stride ldb)";
        };
        s.append("    /** C[").append(mr).append(" x ").append(width).append("] += ").append(doc).append(". */\n");
        String aParams = layout == Layout.STRIDED ? "double[] ap, int a0, int sp, int sr" : "double[] ap, int a0";
        String bParams = layout == Layout.PACKED ? "double[] bp, int b0" : "double[] bp, int b0, int ldb";
        s.append("    private static void ").append(layout.prefix).append(mr).append('x').append(nv).append('(')
                .append(aParams).append(", ").append(bParams).append(",\n")
                .append("            int kc, double[] c, int c0, int ldc) {\n");
        for (int r = 0; r < mr; r++) {
            for (int v = 0; v < nv; v++) {
                s.append("        DoubleVector c").append(r).append(v).append(" = ")
                        .append(r == 0 && v == 0 ? "DoubleVector.zero(S);\n" : "c00;\n");
            }
        }
        s.append("        for (int p = 0; p < kc; p++) {\n");
        s.append("            int ai = a0 + p * ").append(layout == Layout.STRIDED ? "sp" : String.valueOf(mr)).append(";\n");
        s.append("            int bi = b0 + p * ").append(layout == Layout.PACKED ? "(" + nv + " * L)" : "ldb").append(";\n");
        for (int v = 0; v < nv; v++) {
            s.append("            DoubleVector y").append(v).append(" = DoubleVector.fromArray(S, bp, bi")
                    .append(times(v, "L")).append(");\n");
        }
        for (int r = 0; r < mr; r++) {
            s.append("            ").append(r == 0 ? "DoubleVector x" : "x").append(" = DoubleVector.broadcast(S, ap[ai")
                    .append(layout == Layout.STRIDED ? times(r, "sr") : r == 0 ? "" : " + " + r).append("]);\n");
            for (int v = 0; v < nv; v++) {
                s.append("            c").append(r).append(v).append(" = x.fma(y").append(v).append(", c").append(r)
                        .append(v).append(");\n");
            }
        }
        s.append("        }\n");
        for (int r = 0; r < mr; r++) {
            for (int v = 0; v < nv; v++) {
                String at = "c0" + times(r, "ldc") + times(v, "L");
                s.append("        DoubleVector.fromArray(S, c, ").append(at).append(").add(c").append(r).append(v)
                        .append(").intoArray(c, ").append(at).append(");\n");
            }
        }
        return s.append("    }\n").toString();
    }

    /** " + i * unit", or " + unit" for 1, or nothing for 0. */
    private static String times(int i, String unit) {
        return i == 0 ? "" : i == 1 ? " + " + unit : " + " + i + " * " + unit;
    }

    /** The kernel's source with its tiles section replaced by {@link #tiles()}. */
    static String regenerated(String source) {
        int b = source.indexOf(BEGIN);
        int e = source.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalStateException("no tiles section (" + BEGIN.strip() + " ... " + END.strip() + ") in " + KERNEL);
        }
        return source.substring(0, b) + tiles() + source.substring(e + END.length());
    }

    /**
     * Rewrites the tiles section of the kernel's source; run from gradtape-vector/.
     *
     * @param args none
     * @throws IOException if the source cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        String src = Files.readString(KERNEL, StandardCharsets.UTF_8);
        Files.writeString(KERNEL, regenerated(src), StandardCharsets.UTF_8);
    }
}
