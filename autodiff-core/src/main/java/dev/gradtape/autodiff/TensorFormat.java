package dev.gradtape.autodiff;

import java.util.Locale;

/** How a {@link Tensor} prints: nested brackets like NumPy, long axes elided. */
final class TensorFormat {
    private TensorFormat() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(");
        appendValues(t, sb, 0, 0);
        return sb.append(", shape=").append(t.shape).append(')').toString();
    }

    private static void appendValues(Tensor t, StringBuilder sb, int axis, int offset) {
        if (axis == t.rank()) {
            sb.append(format(t.data[offset]));
            return;
        }
        int n = t.shape.dimsUnsafe()[axis];
        int stride = 1;
        for (int i = axis + 1; i < t.rank(); i++) stride *= t.shape.dimsUnsafe()[i];
        sb.append('[');
        boolean elide = n > 8;
        for (int i = 0; i < n; i++) {
            if (elide && i == 3) {
                sb.append(", ...");
                i = n - 3;
            }
            if (i > 0) sb.append(", ");
            appendValues(t, sb, axis + 1, offset + i * stride);
        }
        sb.append(']');
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        return a != 0 && (a < 1e-4 || a >= 1e6) ? String.format(Locale.ROOT, "%.6e", v)
                : String.format(Locale.ROOT, "%.6g", v)
                .replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", ".0");
    }
}
