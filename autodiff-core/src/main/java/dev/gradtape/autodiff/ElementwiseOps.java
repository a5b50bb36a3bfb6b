package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Binary;
import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.Unary;

/**
 * The other primitives with broadcasting operands (div, where, the comparisons) and the two ops
 * with a constant number (x + c, x * c). {@link Add} and {@link Mul} have files of their own.
 */
final class ElementwiseOps {
    private ElementwiseOps() {
    }

    /** x + c for a constant c. d/dx = 1. Adding a number needs no tensor and no broadcasting. */
    static final class AddConstant extends Op {
        private final double c;

        AddConstant(double c) {
            this.c = c;
        }

        @Override
        String name() {
            return "add";
        }

        @Override
        Shape shape(Shape[] in) {
            return in[0];
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.addConstant(c);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g};
        }

        @Override
        String rule(int input) {
            return "{g}";
        }

        @Override
        public String toString() {
            return "add[" + c + "]";
        }
    }

    /** x * c for a constant c. d/dx = c. */
    static final class MulConstant extends Op {
        private final double c;

        MulConstant(double c) {
            this.c = c;
        }

        @Override
        String name() {
            return "mul";
        }

        @Override
        Shape shape(Shape[] in) {
            return in[0];
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.mulConstant(c);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(c)};
        }

        @Override
        String rule(int input) {
            return "{g} * " + c;
        }

        @Override
        public String toString() {
            return "mul[" + c + "]";
        }
    }

    /**
     * a / b, broadcast. d/da = 1 / b, d/db = -a / b^2 = -(a / b) / b, the second read from the
     * output. A primitive rather than a * b^-1 so that the quotient is correctly rounded.
     */
    static final class Div extends Op {
        static final Div OP = new Div();

        @Override
        String name() {
            return "div";
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.broadcast("div", in[0], in[1]);
        }

        @Override
        String rule(int input) {
            return input == 0 ? "{g} / {1}" : "-({g} / {1}) * {y}";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Binary.kernel(Binary.Op.DIV, in[0].dimsUnsafe(), in[1].dimsUnsafe(), out.dimsUnsafe());
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor b = node.input(1);
            Tensor gOverB = g.div(b); // shared: d/db = -(g / b) * (a / b)
            return new Tensor[] {
                node.needsGradient(0) ? gOverB.sumTo(node.input(0).shape) : null,
                node.needsGradient(1) ? gOverB.mul(node.output()).neg().sumTo(b.shape) : null};
        }
    }

    /**
     * where(condition, a, b): a where the condition is non-zero, b elsewhere, all three broadcast
     * together. The condition is a constant mask and gets no gradient; a receives g where the
     * condition holds and b where it does not (a selection, so an infinite g elsewhere stays out).
     */
    static final class Where extends Op {
        static final Where OP = new Where();

        @Override
        String name() {
            return "where";
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.broadcast("where", Shape.broadcast("where", in[0], in[1]), in[2]);
        }

        @Override
        boolean sendsGradient(int input) {
            return input != 0;
        }

        @Override
        String rule(int input) {
            return input == 0 ? "nothing (a condition)" : input == 1 ? "{g} where {0} holds, else 0"
                    : "{g} where {0} does not hold, else 0";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Binary.where(in[0].dimsUnsafe(), in[1].dimsUnsafe(), in[2].dimsUnsafe(), out.dimsUnsafe());
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor zero = Tensor.zeros(Shape.SCALAR);
            Tensor cond = node.input(0);
            return new Tensor[] {
                null,
                node.needsGradient(1) ? Tensor.where(cond, g, zero).sumTo(node.input(1).shape) : null,
                node.needsGradient(2) ? Tensor.where(cond, zero, g).sumTo(node.input(2).shape) : null};
        }
    }

    /**
     * A comparison, 1.0 where it holds and 0.0 elsewhere, broadcast. Not differentiable (no
     * gradient flows back); recorded so that a compiled step recomputes it.
     */
    static final class Compare extends Op {
        private final Binary.Op kind;
        private final String name;

        Compare(Binary.Op kind, String name) {
            this.kind = kind;
            this.name = name;
        }

        static final Compare GREATER = new Compare(Binary.Op.GREATER, "greater");
        static final Compare GREATER_EQUAL = new Compare(Binary.Op.GREATER_EQUAL, "greaterEqual");
        /** Where maximum(a, b) takes a: a >= b, or a is NaN (so a NaN wins). */
        static final Compare MAX_TAKES_A = new Compare(Binary.Op.MAX_TAKES_A, "maximumTakesFirst");
        /** Where minimum(a, b) takes a: a <= b, or a is NaN. */
        static final Compare MIN_TAKES_A = new Compare(Binary.Op.MIN_TAKES_A, "minimumTakesFirst");

        @Override
        String name() {
            return name;
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.broadcast(name, in[0], in[1]);
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        String rule(int input) {
            return "nothing (a comparison)";
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Binary.kernel(kind, in[0].dimsUnsafe(), in[1].dimsUnsafe(), out.dimsUnsafe());
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {null, null};
        }
    }
}
