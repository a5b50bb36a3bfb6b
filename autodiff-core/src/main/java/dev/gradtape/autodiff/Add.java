package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Binary;
import dev.gradtape.autodiff.kernels.Kernel;

/**
 * a + b, broadcast. d/da = 1 and d/db = 1, so each operand receives the incoming gradient g,
 * summed back to its own shape ({@link Tensor#sumTo}, the adjoint of broadcasting).
 */
final class Add extends Op {
    static final Add OP = new Add();

    @Override
    String name() {
        return "add";
    }

    @Override
    String rule(int input) {
        return "{g}";
    }

    @Override
    Shape shape(Shape[] in) {
        return Shape.broadcast("add", in[0], in[1]);
    }

    @Override
    Kernel kernel(Shape[] in, Shape out) {
        return Binary.kernel(Binary.Op.ADD, in[0].dimsUnsafe(), in[1].dimsUnsafe(), out.dimsUnsafe());
    }

    @Override
    Tensor[] backward(Node node, Tensor g) {
        return new Tensor[] {
            node.needsGradient(0) ? g.sumTo(node.input(0).shape) : null,
            node.needsGradient(1) ? g.sumTo(node.input(1).shape) : null};
    }
}
