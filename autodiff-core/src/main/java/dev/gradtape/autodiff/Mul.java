package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Binary;
import dev.gradtape.autodiff.kernels.Kernel;

/**
 * a * b, broadcast. d/da = b and d/db = a: a receives g * b and b receives g * a, each summed
 * back to its operand's shape.
 */
final class Mul extends Op {
    static final Mul OP = new Mul();

    @Override
    String name() {
        return "mul";
    }

    @Override
    String rule(int input) {
        return input == 0 ? "{g} * {1}" : "{g} * {0}";
    }

    @Override
    Shape shape(Shape[] in) {
        return Shape.broadcast("mul", in[0], in[1]);
    }

    @Override
    Kernel kernel(Shape[] in, Shape out) {
        return Binary.kernel(Binary.Op.MUL, in[0].dimsUnsafe(), in[1].dimsUnsafe(), out.dimsUnsafe());
    }

    @Override
    Tensor[] backward(Node node, Tensor g) {
        Tensor a = node.input(0);
        Tensor b = node.input(1);
        return new Tensor[] {
            node.needsGradient(0) ? g.mul(b).sumTo(a.shape) : null,
            node.needsGradient(1) ? g.mul(a).sumTo(b.shape) : null};
    }
}
