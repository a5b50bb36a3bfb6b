package dev.gradtape.nn;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.random.RandomGenerator;

/**
 * Produces the starting value of a parameter. Every random draw comes from the generator passed
 * in, so a seeded generator gives bit-identical weights. Ready-made ones are in
 * {@link Initializers}.
 */
@FunctionalInterface
public interface Initializer {
    /**
     * A tensor of {@code shape}.
     *
     * @param shape the shape of the tensor to make
     * @param fanIn the number of inputs feeding each output unit (for Dense, {@code in})
     * @param fanOut the number of output units (for Dense, {@code out})
     * @param rng the source of every random draw
     * @return a new tensor of that shape
     */
    Tensor initialize(Shape shape, int fanIn, int fanOut, RandomGenerator rng);
}
