package dev.gradtape.autodiff;

/**
 * Primitives that move, gather or reduce elements: reshape, broadcastTo, sum, max, permute,
 * slice, pad and concat. Each backward is another of these, so all are differentiable to any
 * order.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    /** The same elements under another shape (no copy). Backward: reshape back. */
    static final class Reshape extends Primitive {
        private final Shape shape;

        Reshape(Shape shape) {
            this.shape = shape;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Copy();
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return new Tensor(shape, in[0].data);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(input(0).shape.dimsUnsafe())};
        }
    }

    /** Broadcasting made visible (NumPy's broadcast_to). Backward: sum back to the input shape. */
    static final class BroadcastTo extends Primitive {
        private final Shape shape;

        BroadcastTo(Shape shape) {
            this.shape = shape;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Reduce(input(0).shape, shape, false);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return new Tensor(shape, Broadcast.expand(in[0].data, in[0].shape, shape));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.sumTo(input(0).shape)};
        }
    }

    /**
     * Sum over some axes. d/dx of each element is 1: backward broadcasts the gradient back over
     * the summed axes.
     */
    static final class Sum extends Primitive {
        private final boolean[] reduce;
        private final Shape kept;
        private final Shape out;

        Sum(boolean[] reduce, Shape kept, Shape out) {
            this.reduce = reduce;
            this.kept = kept;
            this.out = out;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Reduce(kept, input(0).shape, true);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return new Tensor(out, Broadcast.sum(in[0].data, in[0].shape, reduce, kept));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.reshape(kept.dimsUnsafe()).broadcastTo(input(0).shape)};
        }
    }

    /**
     * Maximum along one axis. The gradient goes to the first position of the maximum (a constant
     * one-hot mask), so ties are not split.
     */
    static final class Max extends Primitive {
        private final int axis;
        private final Shape kept;
        private final Shape out;
        private double[] mask;

        Max(int axis, Shape kept, Shape out) {
            this.axis = axis;
            this.kept = kept;
            this.out = out;
        }

        @Override
        Function copyForReplay() {
            return new Max(axis, kept, out);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = in[0].shape;
            int[] d = s.dimsUnsafe();
            int len = d[axis];
            if (len == 0) {
                throw new IllegalArgumentException("max: axis " + axis + " of shape " + s
                        + " is empty; the maximum of no elements is undefined");
            }
            int inner = 1;
            for (int i = axis + 1; i < d.length; i++) inner *= d[i];
            int outer = 1; // a product, not size / (len * inner), which divides by 0 if inner is 0
            for (int i = 0; i < axis; i++) outer *= d[i];
            double[] x = in[0].data;
            double[] r = new double[outer * inner];
            mask = new double[x.length];
            for (int o = 0; o < outer; o++) {
                for (int j = 0; j < inner; j++) {
                    int base = o * len * inner + j;
                    int best = base;
                    for (int k = 1; k < len; k++) {
                        int at = base + k * inner;
                        if (x[at] > x[best] || Double.isNaN(x[at]) && !Double.isNaN(x[best])) {
                            best = at;
                        }
                    }
                    r[o * inner + j] = x[best];
                    mask[best] = 1.0;
                }
            }
            return new Tensor(out, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor m = new Tensor(input(0).shape, mask);
            return new Tensor[] {g.reshape(kept.dimsUnsafe()).broadcastTo(input(0).shape).mul(m)};
        }
    }

    /** Reorders the axes: output axis i is input axis perm[i]. Backward: the inverse permutation. */
    static final class Permute extends Primitive {
        private final int[] perm;

        Permute(int[] perm) {
            this.perm = perm;
        }

        @Override
        Function copyForReplay() {
            return new Permute(perm);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = in[0].shape;
            int rank = s.rank();
            int[] inStrides = s.strides();
            int[] outDims = new int[rank];
            int[] stride = new int[rank];
            for (int i = 0; i < rank; i++) {
                outDims[i] = s.dimsUnsafe()[perm[i]];
                stride[i] = inStrides[perm[i]];
            }
            double[] x = in[0].data;
            double[] r = new double[x.length];
            int[] counter = new int[rank];
            int src = 0;
            for (int k = 0; k < r.length; k++) {
                r[k] = x[src];
                for (int ax = rank - 1; ax >= 0; ax--) {
                    if (++counter[ax] < outDims[ax]) {
                        src += stride[ax];
                        break;
                    }
                    src -= stride[ax] * (outDims[ax] - 1);
                    counter[ax] = 0;
                }
            }
            return new Tensor(Shape.ofTrusted(outDims), r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int[] inverse = new int[perm.length];
            for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
            return new Tensor[] {g.permute(inverse)};
        }
    }

    /** Elements [start, end) along one axis. Backward: pad the gradient with zeros. */
    static final class Slice extends Primitive {
        private final int axis;
        private final int start;
        private final int end;

        Slice(int axis, int start, int end) {
            this.axis = axis;
            this.start = start;
            this.end = end;
        }

        @Override
        Function copyForReplay() {
            return new Slice(axis, start, end);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] d = in[0].shape.dims();
            int len = d[axis];
            int inner = 1;
            for (int i = axis + 1; i < d.length; i++) inner *= d[i];
            int outer = 1; // a product, not size / (len * inner), which divides by 0 if inner is 0
            for (int i = 0; i < axis; i++) outer *= d[i];
            int n = end - start;
            double[] r = new double[outer * n * inner];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(in[0].data, (o * len + start) * inner, r, o * n * inner, n * inner);
            }
            d[axis] = n;
            return new Tensor(Shape.ofTrusted(d), r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            int len = input(0).shape.dim(axis);
            return new Tensor[] {g.pad(axis, start, len - end)};
        }
    }

    /** Adds zeros before and after along one axis. Backward: slice the gradient back out. */
    static final class Pad extends Primitive {
        private final int axis;
        private final int before;
        private final int after;

        Pad(int axis, int before, int after) {
            this.axis = axis;
            this.before = before;
            this.after = after;
        }

        @Override
        Function copyForReplay() {
            return new Pad(axis, before, after);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] d = in[0].shape.dims();
            int len = d[axis];
            int inner = 1;
            for (int i = axis + 1; i < d.length; i++) inner *= d[i];
            int outer = len == 0 || inner == 0 ? 0 : in[0].shape.size() / (len * inner);
            int n = len + before + after;
            d[axis] = n;
            Shape outShape = Shape.ofTrusted(d);
            double[] r = new double[outShape.size()];
            for (int o = 0; o < outer; o++) {
                System.arraycopy(in[0].data, o * len * inner, r, (o * n + before) * inner, len * inner);
            }
            return new Tensor(outShape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.slice(axis, before, before + input(0).shape.dim(axis))};
        }
    }

    /** Joins tensors along one axis. Backward: each input gets its slice of the gradient. */
    static final class Concat extends Primitive {
        private final int axis;

        Concat(int axis) {
            this.axis = axis;
        }

        @Override
        Function copyForReplay() {
            return new Concat(axis);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            int[] d = in[0].shape.dims();
            int inner = 1;
            for (int i = axis + 1; i < d.length; i++) inner *= d[i];
            int outer = 1;
            for (int i = 0; i < axis; i++) outer *= d[i];
            int total = 0;
            for (Tensor t : in) total += t.shape.dim(axis);
            d[axis] = total;
            Shape outShape = Shape.ofTrusted(d);
            double[] r = new double[outShape.size()];
            int offset = 0;
            for (Tensor t : in) {
                int n = t.shape.dim(axis) * inner;
                for (int o = 0; o < outer; o++) {
                    System.arraycopy(t.data, o * n, r, o * total * inner + offset, n);
                }
                offset += n;
            }
            return new Tensor(outShape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor[] grads = new Tensor[inputCount()];
            int start = 0;
            for (int i = 0; i < grads.length; i++) {
                int n = input(i).shape.dim(axis);
                grads[i] = needsGradient(i) ? g.slice(axis, start, start + n) : null;
                start += n;
            }
            return grads;
        }
    }
}
