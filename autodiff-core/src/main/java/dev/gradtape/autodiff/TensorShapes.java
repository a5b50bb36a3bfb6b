package dev.gradtape.autodiff;

import java.util.Arrays;
import java.util.List;

/**
 * The argument checking and shape arithmetic behind {@link Tensor}'s reductions and shape
 * operations: each method validates, works out the result's shape, and applies the primitive
 * from {@link ShapeOps} or {@link MatMul} (or composes primitives). Tensor's public methods
 * delegate here, so that the facade stays a list of one-liners.
 */
final class TensorShapes {
    private TensorShapes() {
    }

    static Tensor sum(Tensor t) {
        boolean[] all = new boolean[t.rank()];
        Arrays.fill(all, true);
        return reduceSum(t, all, false);
    }

    static Tensor sum(Tensor t, int axis, boolean keepDims) {
        boolean[] r = new boolean[t.rank()];
        r[t.shape.axis("sum", axis)] = true;
        return reduceSum(t, r, keepDims);
    }

    static Tensor reduceSum(Tensor t, boolean[] reduce, boolean keepDims) {
        int[] d = t.shape.dims();
        int kept = 0;
        for (int i = 0; i < d.length; i++) {
            if (reduce[i]) {
                d[i] = 1;
            } else {
                kept++;
            }
        }
        Shape keptShape = Shape.ofTrusted(d);
        Shape out = keepDims ? keptShape : squeezeOut(d, reduce, kept);
        return new ShapeOps.Sum(reduce, keptShape, out).apply(t);
    }

    static Shape squeezeOut(int[] keptDims, boolean[] reduce, int kept) {
        int[] o = new int[kept];
        for (int i = 0, j = 0; i < keptDims.length; i++) {
            if (!reduce[i]) o[j++] = keptDims[i];
        }
        return Shape.ofTrusted(o);
    }

    static Tensor sumTo(Tensor t, Shape target) {
        if (t.shape.equals(target)) {
            return t;
        }
        if (!target.broadcastsTo(t.shape)) {
            throw new IllegalArgumentException("sumTo: the target shape " + target + " does not"
                    + " broadcast to the tensor's shape " + t.shape + ", so the tensor cannot be summed"
                    + " down to it; the target must be a shape that broadcasts to " + t.shape);
        }
        int off = t.rank() - target.rank();
        boolean[] reduce = new boolean[t.rank()];
        for (int i = 0; i < t.rank(); i++) {
            reduce[i] = i < off || target.dimsUnsafe()[i - off] == 1 && t.shape.dimsUnsafe()[i] != 1;
        }
        int[] kept = t.shape.dims();
        for (int i = 0; i < kept.length; i++) {
            if (reduce[i]) kept[i] = 1;
        }
        // one primitive: the kept-dims sum already has the target's elements in order
        return new ShapeOps.Sum(reduce, Shape.ofTrusted(kept), target).apply(t);
    }

    static Tensor mean(Tensor t) {
        return t.sum().div(t.data.length);
    }

    static Tensor mean(Tensor t, int axis, boolean keepDims) {
        int ax = t.shape.axis("mean", axis);
        return t.sum(ax, keepDims).div(t.shape.dimsUnsafe()[ax]);
    }

    static Tensor max(Tensor t) {
        return t.reshape(t.data.length).max(0, false);
    }

    static Tensor max(Tensor t, int axis, boolean keepDims) {
        return max("max", t, axis, keepDims);
    }

    private static Tensor max(String op, Tensor t, int axis, boolean keepDims) {
        int ax = t.shape.axis(op, axis);
        int[] d = t.shape.dims();
        if (d[ax] == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + t.shape
                    + " is empty; the " + (op.equals("max") ? "maximum" : "log-sum-exp")
                    + " of no elements is undefined");
        }
        d[ax] = 1;
        Shape kept = Shape.ofTrusted(d);
        boolean[] reduce = new boolean[t.rank()];
        reduce[ax] = true;
        Shape out = keepDims ? kept : squeezeOut(d, reduce, t.rank() - 1);
        return new ShapeOps.Max(ax, kept, out).apply(t);
    }

    static Tensor logSumExp(Tensor t) {
        if (t.data.length == 0) {
            throw new IllegalArgumentException("logSumExp: the tensor of shape " + t.shape
                    + " is empty; the log-sum-exp of no elements is undefined");
        }
        return t.reshape(t.data.length).logSumExp(0, false);
    }

    /**
     * m + log(sum(exp(x - m))) with m the (constant) maximum of each slice, replaced by 0 where it
     * is infinite: a slice of all -inf then gives log(0) = -inf, and a slice holding +inf gives
     * +inf with gradient exp(x - 0) / inf = 0 at its finite entries, where x - m would be NaN.
     */
    static Tensor logSumExp(Tensor t, int axis, boolean keepDims) {
        Tensor max = max("logSumExp", t, axis, true).detach();
        Tensor m = Tensor.where(max.abs().greater(Double.MAX_VALUE), Tensor.zeros(Shape.SCALAR), max);
        Tensor r = t.sub(m).exp().sum(axis, true).log().add(m);
        return keepDims ? r : r.sum(axis, false); // summing a size-1 axis drops it
    }

    static Tensor reshape(Tensor t, int... dims) {
        int[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] < -1 || d[i] == -1 && infer >= 0) {
                throw new IllegalArgumentException("reshape: " + Arrays.toString(dims) + " is not a"
                        + " shape; dimensions must be >= 0, and at most one may be -1 (inferred)");
            }
            if (d[i] == -1) {
                infer = i;
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || t.data.length % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + t.shape + " ("
                        + t.data.length + " elements) to " + Arrays.toString(dims) + ": the -1 cannot"
                        + " be inferred, as " + t.data.length + " is not a multiple of " + known
                        + ", the product of the other dimensions");
            }
            d[infer] = (int) (t.data.length / known);
        }
        Shape s = Shape.of(d);
        if (s.size() != t.data.length) {
            throw new IllegalArgumentException("reshape: cannot reshape " + t.shape + " ("
                    + t.data.length + " elements) to " + Arrays.toString(dims) + " (" + s.size()
                    + " elements); the sizes must be equal");
        }
        if (s.equals(t.shape)) {
            return t;
        }
        return new ShapeOps.Reshape(s).apply(t);
    }

    static Tensor broadcastTo(Tensor t, int... dims) {
        return t.broadcastTo(Shape.of(dims));
    }

    static Tensor broadcastTo(Tensor t, Shape target) {
        if (target.equals(t.shape)) {
            return t;
        }
        if (!t.shape.broadcastsTo(target)) {
            throw new IllegalArgumentException("broadcastTo: shape " + t.shape + " cannot be broadcast to "
                    + target + "; aligned from the right, each dimension must be 1 or equal");
        }
        return new ShapeOps.BroadcastTo(target).apply(t);
    }

    static Tensor permute(Tensor t, int... perm) {
        if (perm.length != t.rank()) {
            throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " names "
                    + perm.length + " axes but the tensor's shape " + t.shape + " has " + t.rank()
                    + "; name every axis once");
        }
        boolean[] seen = new boolean[perm.length];
        int[] p = new int[perm.length];
        for (int i = 0; i < perm.length; i++) {
            p[i] = t.shape.axis("permute", perm[i]);
            if (seen[p[i]]) {
                throw new IllegalArgumentException("permute: " + Arrays.toString(perm)
                        + " is not a permutation of the axes of " + t.shape);
            }
            seen[p[i]] = true;
        }
        boolean identity = true;
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            identity &= p[i] == i;
            out[i] = t.shape.dimsUnsafe()[p[i]];
        }
        return identity ? t : new ShapeOps.Permute(p, Shape.ofTrusted(out)).apply(t);
    }

    static Tensor transpose(Tensor t) {
        if (t.rank() < 2) {
            throw new IllegalArgumentException("transpose: shape " + t.shape + " has fewer than 2 axes;"
                    + " transpose swaps the last two");
        }
        int[] p = new int[t.rank()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        p[p.length - 2] = p.length - 1;
        p[p.length - 1] = p.length - 2;
        return t.permute(p);
    }

    static Tensor slice(Tensor t, int axis, int start, int end) {
        int ax = t.shape.axis("slice", axis);
        int len = t.shape.dimsUnsafe()[ax];
        if (start < 0 || end > len || start > end) {
            throw new IllegalArgumentException("slice: [" + start + ", " + end + ") along axis " + axis
                    + " of shape " + t.shape + "; need 0 <= start <= end <= " + len);
        }
        if (start == 0 && end == len) {
            return t;
        }
        int[] out = t.shape.dims();
        out[ax] = end - start;
        return new ShapeOps.Slice(ax, start, end, Shape.ofTrusted(out)).apply(t);
    }

    static List<Tensor> split(Tensor t, int axis, int... sizes) {
        int ax = t.shape.axis("split", axis);
        long total = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " include a"
                        + " negative size; each piece of axis " + axis + " of shape " + t.shape
                        + " needs a size >= 0");
            }
            total += s;
        }
        if (total != t.shape.dimsUnsafe()[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to "
                    + total + " but axis " + axis + " of shape " + t.shape + " has "
                    + t.shape.dimsUnsafe()[ax]);
        }
        Tensor[] parts = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            parts[i] = t.slice(ax, start, start + sizes[i]);
            start += sizes[i];
        }
        return List.of(parts);
    }

    static Tensor pad(Tensor t, int axis, int before, int after) {
        int ax = t.shape.axis("pad", axis);
        if (before < 0 || after < 0) {
            throw new IllegalArgumentException("pad: padding (" + before + ", " + after
                    + ") must not be negative");
        }
        if (before == 0 && after == 0) {
            return t;
        }
        int[] out = t.shape.dims();
        if ((long) out[ax] + before + after > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pad: padding (" + before + ", " + after + ") makes axis "
                    + axis + " of shape " + t.shape + " longer than " + Integer.MAX_VALUE);
        }
        out[ax] += before + after;
        return new ShapeOps.Pad(ax, before, after, Shape.of(out)).apply(t);
    }

    static Tensor concat(int axis, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("concat: no tensors given; pass at least one");
        }
        Shape first = tensors[0].shape;
        int ax = first.axis("concat", axis);
        for (int i = 1; i < tensors.length; i++) {
            Shape s = tensors[i].shape;
            boolean ok = s.rank() == first.rank();
            for (int j = 0; ok && j < s.rank(); j++) {
                ok = j == ax || s.dimsUnsafe()[j] == first.dimsUnsafe()[j];
            }
            if (!ok) {
                throw new IllegalArgumentException("concat: shapes " + first + " and " + s
                        + " (tensor " + i + ") differ outside axis " + axis + "; only that axis may differ");
            }
        }
        int[] out = first.dims();
        long total = 0;
        for (Tensor t : tensors) total += t.shape.dimsUnsafe()[ax];
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("concat: the joined axis " + axis + " would hold " + total
                    + " elements, more than " + Integer.MAX_VALUE);
        }
        out[ax] = (int) total;
        return new ShapeOps.Concat(ax, Shape.of(out)).apply(tensors.clone());
    }

    static Tensor concat(int axis, List<Tensor> tensors) {
        return concat(axis, tensors.toArray(new Tensor[0]));
    }

    static Tensor matmul(Tensor t, Tensor other) {
        if (t.rank() == 0 || other.rank() == 0) {
            throw new IllegalArgumentException("matmul: shapes " + t.shape + " and " + other.shape
                    + ": both operands need at least one axis (use mul for scalars)");
        }
        if (t.rank() == 1) {
            Tensor r = t.reshape(1, t.data.length).matmul(other);
            int[] d = r.shape.dims();
            // the row axis is second to last, or last when a rank-1 right operand dropped its axis
            return r.reshape(dropAxis(d, other.rank() == 1 ? d.length - 1 : d.length - 2));
        }
        if (other.rank() == 1) {
            Tensor r = t.matmul(other.reshape(other.data.length, 1));
            int[] d = r.shape.dims();
            return r.reshape(dropAxis(d, d.length - 1));
        }
        return MatMul.of(false, false).apply(t, other);
    }

    static int[] dropAxis(int[] d, int axis) {
        int[] o = new int[d.length - 1];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i != axis) o[j++] = d[i];
        }
        return o;
    }
}
