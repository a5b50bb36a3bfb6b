package dev.gradtape.autodiff.kernels;

/**
 * Kernels that move elements without arithmetic (permute, slice, pad, concat) and the maximum
 * along an axis. Shapes are split into (outer, axis, inner) blocks once, when the kernel is made.
 */
public final class Movement {
    private Movement() {
    }

    /** The product of dims[from, to). */
    static int product(int[] dims, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) p *= dims[i];
        return p;
    }

    /**
     * The kernel of permute: output axis i is input axis perm[i].
     *
     * @param in the input's dimensions
     * @param perm a permutation of the axes
     * @return a gather through an index map made once here
     */
    public static Kernel permute(int[] in, int[] perm) {
        int[] inStrides = Broadcast.strides(in);
        int[] outDims = new int[in.length];
        int[] stride = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            outDims[i] = in[perm[i]];
            stride[i] = inStrides[perm[i]];
        }
        int[] map = Broadcast.walk(outDims, stride);
        return (x, r) -> Broadcast.gather(x[0], map, r);
    }

    /**
     * The kernel of slice: elements [start, end) along {@code axis}, one block copy per outer
     * index.
     *
     * @param in the input's dimensions
     * @param axis the axis cut, from 0 (not negative)
     * @param start the first index kept
     * @param end the index after the last one kept
     * @return the kernel
     */
    public static Kernel slice(int[] in, int axis, int start, int end) {
        int outer = product(in, 0, axis);
        int inner = product(in, axis + 1, in.length);
        int len = in[axis];
        int n = (end - start) * inner;
        return (x, r) -> {
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x[0], (o * len + start) * inner, r, o * n, n);
            }
        };
    }

    /**
     * The kernel of pad: {@code before} zeros, the input, {@code after} zeros, along {@code axis}.
     *
     * @param in the input's dimensions
     * @param axis the axis padded, from 0
     * @param before the number of zeros in front
     * @param after the number of zeros behind
     * @return the kernel
     */
    public static Kernel pad(int[] in, int axis, int before, int after) {
        int outer = product(in, 0, axis);
        int inner = product(in, axis + 1, in.length);
        int len = in[axis] * inner;
        int n = (in[axis] + before + after) * inner;
        return (x, r) -> {
            java.util.Arrays.fill(r, 0.0);
            for (int o = 0; o < outer; o++) {
                System.arraycopy(x[0], o * len, r, o * n + before * inner, len);
            }
        };
    }

    /**
     * The kernel of concat: the inputs joined along {@code axis}.
     *
     * @param first the first input's dimensions (the others differ only along {@code axis})
     * @param axis the axis joined along, from 0
     * @param lengths for each input, its extent along {@code axis}
     * @return a kernel reading one array per input
     */
    public static Kernel concat(int[] first, int axis, int[] lengths) {
        int outer = product(first, 0, axis);
        int inner = product(first, axis + 1, first.length);
        int total = 0;
        for (int l : lengths) total += l;
        int row = total * inner;
        return (x, r) -> {
            int offset = 0;
            for (int i = 0; i < x.length; i++) {
                int n = lengths[i] * inner;
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(x[i], o * n, r, o * row + offset, n);
                }
                offset += n;
            }
        };
    }

    /**
     * The position of the maximum of each slice along {@code axis}: the first one, or the first
     * NaN if the slice holds one (so a NaN propagates).
     */
    static int argMax(double[] x, int base, int len, int inner) {
        int best = base;
        for (int k = 1; k < len; k++) {
            int at = base + k * inner;
            if (x[at] > x[best] || Double.isNaN(x[at]) && !Double.isNaN(x[best])) {
                best = at;
            }
        }
        return best;
    }

    /**
     * The maximum along {@code axis} (see {@link #argMax}); the axis must not be empty.
     *
     * @param in the input's dimensions
     * @param axis the axis reduced, from 0
     * @return a kernel writing one maximum per slice
     */
    public static Kernel max(int[] in, int axis) {
        int outer = product(in, 0, axis);
        int inner = product(in, axis + 1, in.length);
        int len = in[axis];
        return (x, r) -> {
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    r[o * inner + j] = x[0][argMax(x[0], o * len * inner + j, len, inner)];
                }
            }
        };
    }

    /**
     * 1 at the position {@link #max} takes of each slice along {@code axis}, 0 elsewhere: the
     * mask through which max's backward routes the gradient.
     *
     * @param in the input's dimensions
     * @param axis the axis reduced, from 0
     * @return a kernel writing a mask of the input's shape
     */
    public static Kernel argMaxMask(int[] in, int axis) {
        int outer = product(in, 0, axis);
        int inner = product(in, axis + 1, in.length);
        int len = in[axis];
        return (x, r) -> {
            java.util.Arrays.fill(r, 0.0);
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    r[argMax(x[0], o * len * inner + j, len, inner)] = 1.0;
                }
            }
        };
    }
}
