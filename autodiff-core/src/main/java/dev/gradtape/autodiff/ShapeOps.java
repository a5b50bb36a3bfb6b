package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Broadcast;
import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.Movement;
import dev.gradtape.autodiff.kernels.Unary;

/**
 * Primitives that move, gather or reduce elements: reshape, broadcastTo, sum, max, permute,
 * slice, pad and concat. {@link TensorShapes} checks their arguments and works out the output
 * shape they are made with. Each backward is another of these (or where), so all are
 * differentiable to any order.
 */
final class ShapeOps {
    private ShapeOps() {
    }

    /** An op whose output shape was worked out (and checked) when it was made. */
    abstract static class Fixed extends Op {
        final Shape out;
        private final String name;

        Fixed(String name, Shape out) {
            this.name = name;
            this.out = out;
        }

        @Override
        final String name() {
            return name;
        }

        @Override
        Shape shape(Shape[] in) {
            return out;
        }
    }

    /** The same elements under another shape. Backward: reshape back. */
    static final class Reshape extends Fixed {
        Reshape(Shape shape) {
            super("reshape", shape);
        }

        @Override
        String rule(int input) {
            return "{g} reshaped to the input's shape";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.COPY;
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.reshape(node.input(0).shape.dimsUnsafe())};
        }
    }

    /** Broadcasting made visible (NumPy's broadcast_to). Backward: sum back to the input shape. */
    static final class BroadcastTo extends Fixed {
        BroadcastTo(Shape shape) {
            super("broadcastTo", shape);
        }

        @Override
        String rule(int input) {
            return "{g} summed back to the input's shape";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Broadcast.expand(in[0].dimsUnsafe(), out.dimsUnsafe());
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.sumTo(node.input(0).shape)};
        }
    }

    /**
     * Sum over some axes. d/dx of each element is 1: backward broadcasts the gradient back over
     * the summed axes.
     */
    static final class Sum extends Fixed {
        private final boolean[] reduce;
        private final Shape kept;

        Sum(boolean[] reduce, Shape kept, Shape out) {
            super("sum", out);
            this.reduce = reduce;
            this.kept = kept;
        }

        @Override
        String rule(int input) {
            return "{g} copied to every summed element";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Broadcast.sum(in[0].dimsUnsafe(), reduce);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.reshape(kept.dimsUnsafe()).broadcastTo(node.input(0).shape)};
        }
    }

    /**
     * Maximum along one axis. The gradient goes to the first position of the maximum (a NaN
     * counts as the largest), selected by the constant mask {@link ArgMaxMask}, so ties are not
     * split.
     */
    static final class Max extends Fixed {
        private final int axis;
        private final Shape kept;

        Max(int axis, Shape kept, Shape out) {
            super("max", out);
            this.axis = axis;
            this.kept = kept;
        }

        @Override
        String rule(int input) {
            return "{g} at the first maximum, 0 elsewhere";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Movement.max(in[0].dimsUnsafe(), axis);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor x = node.input(0);
            Tensor mask = new ArgMaxMask(axis, x.shape).apply(x);
            Tensor spread = g.reshape(kept.dimsUnsafe()).broadcastTo(x.shape);
            return new Tensor[] {Tensor.where(mask, spread, Tensor.zeros(Shape.SCALAR))};
        }
    }

    /** 1 where {@link Max} takes each slice's maximum, 0 elsewhere. Not differentiable. */
    static final class ArgMaxMask extends Fixed {
        private final int axis;

        ArgMaxMask(int axis, Shape shape) {
            super("argMaxMask", shape);
            this.axis = axis;
        }

        @Override
        String rule(int input) {
            return "nothing (a mask)";
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Movement.argMaxMask(in[0].dimsUnsafe(), axis);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {null};
        }
    }

    /** Reorders the axes: output axis i is input axis perm[i]. Backward: the inverse permutation. */
    static final class Permute extends Fixed {
        private final int[] perm;

        Permute(int[] perm, Shape out) {
            super("permute", out);
            this.perm = perm;
        }

        @Override
        String rule(int input) {
            return "{g} with the axes permuted back";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Movement.permute(in[0].dimsUnsafe(), perm);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            int[] inverse = new int[perm.length];
            for (int i = 0; i < perm.length; i++) inverse[perm[i]] = i;
            return new Tensor[] {g.permute(inverse)};
        }
    }

    /** Elements [start, end) along one axis. Backward: pad the gradient with zeros. */
    static final class Slice extends Fixed {
        private final int axis;
        private final int start;
        private final int end;

        Slice(int axis, int start, int end, Shape out) {
            super("slice", out);
            this.axis = axis;
            this.start = start;
            this.end = end;
        }

        @Override
        String rule(int input) {
            return "{g} padded with zeros back to the input's shape";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Movement.slice(in[0].dimsUnsafe(), axis, start, end);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            int len = node.input(0).shape.dim(axis);
            return new Tensor[] {g.pad(axis, start, len - end)};
        }
    }

    /** Adds zeros before and after along one axis. Backward: slice the gradient back out. */
    static final class Pad extends Fixed {
        private final int axis;
        private final int before;
        private final int after;

        Pad(int axis, int before, int after, Shape out) {
            super("pad", out);
            this.axis = axis;
            this.before = before;
            this.after = after;
        }

        @Override
        String rule(int input) {
            return "{g} with the padding sliced off";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Movement.pad(in[0].dimsUnsafe(), axis, before, after);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.slice(axis, before, before + node.input(0).shape.dim(axis))};
        }
    }

    /** Joins tensors along one axis. Backward: each input gets its slice of the gradient. */
    static final class Concat extends Fixed {
        private final int axis;

        Concat(int axis, Shape out) {
            super("concat", out);
            this.axis = axis;
        }

        @Override
        String rule(int input) {
            return "its slice of {g}";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            int[] lengths = new int[in.length];
            for (int i = 0; i < in.length; i++) lengths[i] = in[i].dim(axis);
            return Movement.concat(in[0].dimsUnsafe(), axis, lengths);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor[] grads = new Tensor[node.inputCount()];
            int start = 0;
            for (int i = 0; i < grads.length; i++) {
                int n = node.input(i).shape.dim(axis);
                grads[i] = node.needsGradient(i) ? g.slice(axis, start, start + n) : null;
                start += n;
            }
            return grads;
        }
    }
}
