package dev.gradtape.testing;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;

/**
 * Two operands of a binary operation, with broadcastable shapes.
 *
 * @param left the first operand
 * @param right the second operand
 */
public record TensorPair(Tensor left, Tensor right) {
    /** {@return the operands' shapes} */
    public ShapePair shapes() {
        return new ShapePair(left.shape(), right.shape());
    }

    /** {@return the shape both broadcast to} */
    public Shape result() {
        return shapes().result();
    }

    @Override
    public String toString() {
        return "left " + left + ", right " + right;
    }
}
