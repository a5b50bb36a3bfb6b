package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.Unary;

/**
 * The hyperbolic tangent y = tanh(x). d/dx = 1 - y^2, read from the output, so the backward is
 * the fused op {@link Grad}: x receives g (1 - y^2).
 */
final class Tanh extends Op {
    static final Tanh OP = new Tanh();

    @Override
    String name() {
        return "tanh";
    }

    @Override
    String rule(int input) {
        return "{g} * (1 - {y}^2)";
    }

    @Override
    Shape shape(Shape[] in) {
        return in[0];
    }

    @Override
    Kernel kernel(Shape[] in, Shape out) {
        return Unary.TANH;
    }

    @Override
    Tensor[] backward(Node node, Tensor g) {
        return new Tensor[] {Grad.OP.apply(g, node.output())};
    }

    /**
     * tanh's gradient as one op, PyTorch's {@code tanh_backward}: r = g (1 - y^2) for the incoming
     * gradient g and tanh's output y (of equal shapes). One loop instead of four ops. Its own
     * derivatives, for second order: dr/dg = 1 - y^2 (this op again), dr/dy = -2 g y.
     */
    static final class Grad extends Op {
        static final Grad OP = new Grad();

        @Override
        String name() {
            return "tanhGrad";
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.sameShape("tanhGrad", in[0], in[1]);
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.TANH_GRAD;
        }

        @Override
        String rule(int input) {
            return input == 0 ? "{g} * (1 - {1}^2)" : "-2 * {g} * {0} * {1}";
        }

        @Override
        Tensor[] backward(Node node, Tensor gg) {
            Tensor g = node.input(0);
            Tensor y = node.input(1);
            return new Tensor[] {
                node.needsGradient(0) ? OP.apply(gg, y) : null,
                node.needsGradient(1) ? gg.mul(g).mul(y).mul(-2.0) : null};
        }
    }
}
