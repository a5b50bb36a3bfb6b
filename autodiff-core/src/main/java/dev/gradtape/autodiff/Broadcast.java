package dev.gradtape.autodiff;

/**
 * Index arithmetic for broadcasting: where each element of a broadcast result comes from in an
 * operand. Raw loops only; no autodiff here.
 */
final class Broadcast {
    private Broadcast() {
    }

    /**
     * For every element of {@code out} (row-major), the flat index of the element of an operand of
     * shape {@code in} that broadcasts to it. {@code in} must broadcast to {@code out}.
     */
    static int[] sourceIndex(Shape in, Shape out) {
        int rank = out.rank();
        int[] outDims = out.dimsUnsafe();
        int[] inDims = in.dimsUnsafe();
        int off = rank - inDims.length;
        int[] inStrides = in.strides();
        int[] stride = new int[rank]; // 0 along broadcast axes
        for (int i = off; i < rank; i++) {
            stride[i] = inDims[i - off] == 1 ? 0 : inStrides[i - off];
        }
        int n = out.size();
        int[] index = new int[n];
        int[] counter = new int[rank];
        int src = 0;
        for (int k = 0; k < n; k++) {
            index[k] = src;
            for (int ax = rank - 1; ax >= 0; ax--) {
                if (++counter[ax] < outDims[ax]) {
                    src += stride[ax];
                    break;
                }
                src -= stride[ax] * (outDims[ax] - 1);
                counter[ax] = 0;
            }
        }
        return index;
    }

    /** Copies {@code data} of shape {@code in} to the broadcast shape {@code out}. */
    static double[] expand(double[] data, Shape in, Shape out) {
        double[] r = new double[out.size()];
        if (data.length == 1) {
            java.util.Arrays.fill(r, data[0]);
            return r;
        }
        int[] idx = sourceIndex(in, out);
        for (int k = 0; k < r.length; k++) {
            r[k] = data[idx[k]];
        }
        return r;
    }

    /** The elementwise binary operations that have their own loops. */
    enum Op {
        ADD, MUL, DIV
    }

    /** {@code a op b} with NumPy broadcasting; {@code shape} is the broadcast shape. */
    static double[] binary(Op op, Tensor a, Tensor b, Shape shape) {
        double[] x = a.data;
        double[] y = b.data;
        int n = shape.size();
        double[] r = new double[n];
        if (x.length == n && y.length == n) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) r[i] = x[i] + y[i]; }
                case MUL -> { for (int i = 0; i < n; i++) r[i] = x[i] * y[i]; }
                case DIV -> { for (int i = 0; i < n; i++) r[i] = x[i] / y[i]; }
            }
            return r;
        }
        if (y.length == 1 && x.length == n) {
            double c = y[0];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) r[i] = x[i] + c; }
                case MUL -> { for (int i = 0; i < n; i++) r[i] = x[i] * c; }
                case DIV -> { for (int i = 0; i < n; i++) r[i] = x[i] / c; }
            }
            return r;
        }
        if (x.length == 1 && y.length == n) {
            double c = x[0];
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) r[i] = c + y[i]; }
                case MUL -> { for (int i = 0; i < n; i++) r[i] = c * y[i]; }
                case DIV -> { for (int i = 0; i < n; i++) r[i] = c / y[i]; }
            }
            return r;
        }
        if (x.length == n && isTrailing(b.shape, shape)) {
            // b repeats along the leading axes only, as a bias row does: index modulo its size
            int len = y.length;
            for (int i = 0; i < n; i += len) {
                switch (op) {
                    case ADD -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] + y[j]; }
                    case MUL -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] * y[j]; }
                    case DIV -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] / y[j]; }
                }
            }
            return r;
        }
        int[] ia = x.length == n ? null : sourceIndex(a.shape, shape);
        int[] ib = y.length == n ? null : sourceIndex(b.shape, shape);
        for (int i = 0; i < n; i++) {
            double u = x[ia == null ? i : ia[i]];
            double v = y[ib == null ? i : ib[i]];
            r[i] = switch (op) {
                case ADD -> u + v;
                case MUL -> u * v;
                case DIV -> u / v;
            };
        }
        return r;
    }

    /**
     * True if {@code in} is {@code out} without some leading axes (leading 1s allowed), so that
     * broadcasting repeats it whole: flat index k of the result reads element k mod size.
     */
    static boolean isTrailing(Shape in, Shape out) {
        int[] a = in.dimsUnsafe();
        int[] b = out.dimsUnsafe();
        int start = 0;
        while (start < a.length && a[start] == 1) {
            start++;
        }
        int off = b.length - a.length;
        for (int i = start; i < a.length; i++) {
            if (a[i] != b[i + off]) {
                return false;
            }
        }
        return in.size() > 0;
    }

    /**
     * Sums {@code data} of shape {@code in} over {@code axes} (sorted, distinct, non-negative),
     * keeping them as dimensions of size 1. Elements are added in row-major order.
     */
    static double[] sum(double[] data, Shape in, boolean[] reduce, Shape keptShape) {
        double[] out = new double[keptShape.size()];
        if (out.length == 1) {
            double s = 0;
            for (double v : data) {
                s += v;
            }
            out[0] = s;
            return out;
        }
        int rank = in.rank();
        int[] dims = in.dimsUnsafe();
        int lead = 0;
        while (lead < rank && reduce[lead]) {
            lead++;
        }
        boolean leadingOnly = true;
        for (int i = lead; i < rank; i++) {
            leadingOnly &= !reduce[i] || dims[i] == 1;
        }
        if (leadingOnly) {
            // the bias-gradient case, (batch, n) -> (1, n): add whole rows in order
            int len = out.length;
            for (int k = 0; k < data.length; k += len) {
                for (int j = 0; j < len; j++) {
                    out[j] += data[k + j];
                }
            }
            return out;
        }
        int[] outStrides = keptShape.strides();
        int[] stride = new int[rank];
        for (int i = 0; i < rank; i++) {
            stride[i] = reduce[i] ? 0 : outStrides[i];
        }
        int[] counter = new int[rank];
        int dst = 0;
        for (int k = 0; k < data.length; k++) {
            out[dst] += data[k];
            for (int ax = rank - 1; ax >= 0; ax--) {
                if (++counter[ax] < dims[ax]) {
                    dst += stride[ax];
                    break;
                }
                dst -= stride[ax] * (dims[ax] - 1);
                counter[ax] = 0;
            }
        }
        return out;
    }
}
