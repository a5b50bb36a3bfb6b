package dev.gradtape.autodiff;

/**
 * Primitives with broadcasting operands: add, mul, div and where. Each backward reduces the
 * gradient back to its operand's shape with {@link Tensor#sumTo}, the adjoint of broadcasting.
 */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    /** a + b. d/da = 1, d/db = 1. */
    static final class Add extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return ReplayKernels.binary(ReplayKernels.BinaryKind.ADD, input(0).shape, input(1).shape,
                    output().shape);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = Shape.broadcast("add", in[0].shape, in[1].shape);
            return new Tensor(s, Broadcast.binary(Broadcast.Op.ADD, in[0], in[1], s));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsGradient(0) ? g.sumTo(input(0).shape) : null,
                needsGradient(1) ? g.sumTo(input(1).shape) : null};
        }
    }

    /** a * b. d/da = b, d/db = a. */
    static final class Mul extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return ReplayKernels.binary(ReplayKernels.BinaryKind.MUL, input(0).shape, input(1).shape,
                    output().shape);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = Shape.broadcast("mul", in[0].shape, in[1].shape);
            return new Tensor(s, Broadcast.binary(Broadcast.Op.MUL, in[0], in[1], s));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {
                needsGradient(0) ? g.mul(input(1)).sumTo(input(0).shape) : null,
                needsGradient(1) ? g.mul(input(0)).sumTo(input(1).shape) : null};
        }
    }

    /**
     * x + c for a constant c. d/dx = 1. Its own primitive, so that adding a number needs no
     * tensor for it and no broadcasting.
     */
    static final class AddConstant extends Primitive {
        private final double c;

        AddConstant(double c) {
            this.c = c;
        }

        @Override
        public String name() {
            return "add";
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.ADD_CONSTANT, c);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = x[i] + c;
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g};
        }
    }

    /** x * c for a constant c. d/dx = c. Its own primitive for the same reason as AddConstant. */
    static final class MulConstant extends Primitive {
        private final double c;

        MulConstant(double c) {
            this.c = c;
        }

        @Override
        public String name() {
            return "mul";
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.MUL_CONSTANT, c);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = x[i] * c;
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(c)};
        }
    }

    /**
     * a / b. d/da = 1 / b, d/db = -a / b^2 = -(a / b) / b. A primitive rather than a * b^-1 so
     * that the quotient is correctly rounded.
     */
    static final class Div extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return ReplayKernels.binary(ReplayKernels.BinaryKind.DIV, input(0).shape, input(1).shape,
                    output().shape);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = Shape.broadcast("div", in[0].shape, in[1].shape);
            return new Tensor(s, Broadcast.binary(Broadcast.Op.DIV, in[0], in[1], s));
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor b = input(1);
            Tensor gOverB = g.div(b); // shared: d/db = -(g / b) * (a / b)
            return new Tensor[] {
                needsGradient(0) ? gOverB.sumTo(input(0).shape) : null,
                needsGradient(1) ? gOverB.mul(output()).neg().sumTo(b.shape) : null};
        }
    }

    /**
     * where(condition, a, b): a where the condition is non-zero, b elsewhere, all three
     * broadcast together. The condition is a constant mask and gets no gradient;
     * d/da = condition, d/db = 1 - condition.
     */
    static final class Where extends Primitive {
        @Override
        public String name() {
            return "where";
        }

        @Override
        boolean sendsGradient(int input) {
            return input != 0; // the condition is a constant mask
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Where(input(0).shape, input(1).shape, input(2).shape, output().shape);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = Shape.broadcast("where", Shape.broadcast("where", in[0].shape, in[1].shape),
                    in[2].shape);
            double[] c = Broadcast.expand(in[0].data, in[0].shape, s);
            double[] a = Broadcast.expand(in[1].data, in[1].shape, s);
            double[] b = Broadcast.expand(in[2].data, in[2].shape, s);
            double[] r = new double[s.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = c[i] != 0 ? a[i] : b[i];
            }
            return new Tensor(s, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor zero = Tensor.zeros(Shape.SCALAR);
            Tensor cond = input(0);
            return new Tensor[] {
                null,
                needsGradient(1) ? Tensor.where(cond, g, zero).sumTo(input(1).shape) : null,
                needsGradient(2) ? Tensor.where(cond, zero, g).sumTo(input(2).shape) : null};
        }
    }

    /**
     * A comparison, 1.0 where it holds and 0.0 elsewhere, broadcast: a > b, or a >= b. Not
     * differentiable (no gradient flows back); recorded so that a {@link Replay} recomputes it.
     */
    static final class Compare extends Primitive {
        private final boolean orEqual;

        Compare(boolean orEqual) {
            this.orEqual = orEqual;
        }

        @Override
        public String name() {
            return orEqual ? "greaterEqual" : "greater";
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Compare(orEqual, input(0).shape, input(1).shape, output().shape);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Shape s = Shape.broadcast(name(), in[0].shape, in[1].shape);
            double[] r = new double[s.size()];
            ReplayKernels.Compare.compare(orEqual, in[0].data, index(in[0].shape, s), in[1].data,
                    index(in[1].shape, s), r);
            return new Tensor(s, r);
        }

        private static int[] index(Shape in, Shape out) {
            return in.equals(out) ? null : Broadcast.sourceIndex(in, out);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {null, null};
        }
    }
}
