package dev.gradtape.autodiff.kernels;

/**
 * Index arithmetic for broadcasting (NumPy's rules, shapes aligned from the right): where each
 * element of a broadcast result comes from in an operand, and where each element of a tensor
 * lands when some axes are summed away. Plans are computed once per shape and reused.
 */
public final class Broadcast {
    private Broadcast() {
    }

    /** Row-major strides of {@code dims}. */
    static int[] strides(int[] dims) {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    static int size(int[] dims) {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }

    /**
     * For every element of a result of shape {@code out} (row-major), the flat index of the
     * element of an operand of shape {@code in} that broadcasts to it.
     *
     * @param in the operand's dimensions
     * @param out the result's dimensions, to which {@code in} broadcasts
     * @return the index map, one entry per element of the result
     */
    public static int[] sourceIndex(int[] in, int[] out) {
        int rank = out.length;
        int off = rank - in.length;
        int[] inStrides = strides(in);
        int[] stride = new int[rank]; // 0 along broadcast axes
        for (int i = off; i < rank; i++) {
            stride[i] = in[i - off] == 1 ? 0 : inStrides[i - off];
        }
        return walk(out, stride);
    }

    /**
     * Visits the elements of {@code dims} in row-major order and returns, for each, the offset
     * that {@code stride} (one entry per axis) gives it.
     */
    static int[] walk(int[] dims, int[] stride) {
        int rank = dims.length;
        int n = size(dims);
        int[] index = new int[n];
        int[] counter = new int[rank];
        int at = 0;
        for (int k = 0; k < n; k++) {
            index[k] = at;
            for (int ax = rank - 1; ax >= 0; ax--) {
                if (++counter[ax] < dims[ax]) {
                    at += stride[ax];
                    break;
                }
                at -= stride[ax] * (dims[ax] - 1);
                counter[ax] = 0;
            }
        }
        return index;
    }

    /**
     * The kernel of broadcast_to: copies an operand of shape {@code in} out to {@code out}.
     *
     * @param in the operand's dimensions
     * @param out the result's dimensions, to which {@code in} broadcasts
     * @return a copy, a fill or a gather, whichever the shapes allow
     */
    public static Kernel expand(int[] in, int[] out) {
        if (size(in) == size(out)) {
            return Unary.COPY;
        }
        if (size(in) == 1) {
            return (x, r) -> java.util.Arrays.fill(r, x[0][0]);
        }
        int[] map = sourceIndex(in, out);
        return (x, r) -> gather(x[0], map, r);
    }

    /**
     * r[k] = x[map[k]].
     *
     * @param x the source
     * @param map for each element of r, the element of x it reads
     * @param r the result, overwritten
     */
    public static void gather(double[] x, int[] map, double[] r) {
        for (int k = 0; k < r.length; k++) r[k] = x[map[k]];
    }

    /**
     * The kernel that sums an array of shape {@code in} over the axes marked in {@code reduce}.
     * Elements are added in row-major order of the input, starting from 0, whatever the shape,
     * so the sum of a given element is always formed in the same order.
     *
     * @param in the input's dimensions
     * @param reduce for each axis, true if it is summed away (kept with size 1)
     * @return a kernel reading the input and writing the sums
     */
    public static Kernel sum(int[] in, boolean[] reduce) {
        int[] kept = in.clone();
        boolean leadingOnly = true;
        int lead = 0;
        while (lead < in.length && reduce[lead]) {
            lead++;
        }
        for (int i = 0; i < in.length; i++) {
            if (reduce[i]) {
                kept[i] = 1;
            }
            if (i >= lead && reduce[i] && in[i] != 1) {
                leadingOnly = false;
            }
        }
        int outSize = size(kept);
        if (outSize == 1) {
            return (x, r) -> r[0] = sumAll(x[0]);
        }
        if (leadingOnly) {
            return (x, r) -> sumRows(x[0], r); // (batch, n) -> (1, n): whole rows in order
        }
        int[] keptStrides = strides(kept);
        int[] stride = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            stride[i] = reduce[i] ? 0 : keptStrides[i];
        }
        int[] map = walk(in, stride);
        return (x, r) -> scatterAdd(x[0], map, r);
    }

    /**
     * {@return the sum of all of x, added from 0 in index order}
     *
     * @param x the values
     */
    public static double sumAll(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s;
    }

    /**
     * r = the sum of the consecutive rows of x, each of r's length.
     *
     * @param x the rows, one after another
     * @param r the result, one row, overwritten
     */
    public static void sumRows(double[] x, double[] r) {
        java.util.Arrays.fill(r, 0.0);
        int len = r.length;
        for (int k = 0; k < x.length; k += len) {
            for (int j = 0; j < len; j++) r[j] += x[k + j];
        }
    }

    /**
     * r = 0, then r[map[k]] += x[k] in order of k.
     *
     * @param x the values to add
     * @param map for each element of x, the element of r it is added to
     * @param r the sums, overwritten
     */
    public static void scatterAdd(double[] x, int[] map, double[] r) {
        java.util.Arrays.fill(r, 0.0);
        for (int k = 0; k < x.length; k++) r[map[k]] += x[k];
    }
}
