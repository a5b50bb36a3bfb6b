package dev.gradtape.testing;

import dev.gradtape.autodiff.Shape;

/**
 * Two shapes that broadcast together, the operand shapes of a binary operation.
 *
 * @param left the first operand's shape
 * @param right the second operand's shape
 */
public record ShapePair(Shape left, Shape right) {
    /** {@return the shape both broadcast to (NumPy's rule)} */
    public Shape result() {
        return Shape.broadcast("ShapePair", left, right);
    }

    /** {@return true if at least one operand is stretched, that is the shapes differ} */
    public boolean broadcasts() {
        return !left.equals(right);
    }

    /** {@return the same pair in the other order} */
    public ShapePair swapped() {
        return new ShapePair(right, left);
    }

    @Override
    public String toString() {
        return left + " with " + right;
    }
}
