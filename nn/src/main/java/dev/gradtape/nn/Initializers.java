package dev.gradtape.nn;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;

/**
 * The usual initialisers, with Keras' definitions. Each draws its values in row-major order from
 * the generator it is given, and its {@code toString()} is its name.
 */
public final class Initializers {
    /**
     * Keras' truncated normal has standard deviation 0.87962566103423978 times that of the normal
     * it is cut from (the standard deviation of N(0, 1) restricted to [-2, 2]); dividing by it
     * gives the truncated distribution the variance asked for.
     */
    static final double TRUNCATED_NORMAL_STD = .87962566103423978;

    private Initializers() {
    }

    /** A named initialiser, so that a model's {@code toString()} can say how it was made. */
    private record Named(String name, Initializer body) implements Initializer {
        @Override
        public Tensor initialize(Shape shape, int fanIn, int fanOut, RandomGenerator rng) {
            if (fanIn <= 0 || fanOut <= 0) {
                throw new IllegalArgumentException(name + ": fanIn " + fanIn + " and fanOut "
                        + fanOut
                        + " for shape " + shape + "; both must be >= 1");
            }
            return body.initialize(shape, fanIn, fanOut, rng);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * All zeros (Keras' default bias).
     *
     * @return an initialiser that ignores the fans and the generator
     */
    public static Initializer zeros() {
        return new Named("zeros", (s, in, out, rng) -> Tensor.zeros(s));
    }

    /**
     * Every element equal to {@code value}.
     *
     * @param value the value of every element
     * @return an initialiser that ignores the fans and the generator
     */
    public static Initializer constant(double value) {
        return new Named("constant(" + value + ")", (s, in, out, rng) -> Tensor.full(value, s));
    }

    /**
     * Glorot (Xavier) uniform, Keras' default kernel: U(-limit, limit) with
     * limit = sqrt(6 / (fanIn + fanOut)), which keeps the variance of activations and of
     * gradients roughly constant from layer to layer.
     *
     * @return the Glorot-uniform initialiser
     */
    public static Initializer glorotUniform() {
        return new Named("glorotUniform", (s, in, out, rng) -> {
            double limit = Math.sqrt(6.0 / (in + out));
            return fill(s, () -> -limit + 2 * limit * rng.nextDouble());
        });
    }

    /**
     * He uniform, for ReLU layers: U(-limit, limit) with limit = sqrt(6 / fanIn), so the variance
     * is 2 / fanIn.
     *
     * @return the He-uniform initialiser
     */
    public static Initializer heUniform() {
        return new Named("heUniform", (s, in, out, rng) -> {
            double limit = Math.sqrt(6.0 / in);
            return fill(s, () -> -limit + 2 * limit * rng.nextDouble());
        });
    }

    /**
     * He normal as Keras' VarianceScaling(2, "fan_in", "truncated_normal"): z ~ N(0, 1) redrawn
     * until |z| &lt;= 2, times std = sqrt(2 / fanIn) / 0.87962566103423978, so the truncated values
     * have variance 2 / fanIn.
     *
     * @return the truncated He-normal initialiser
     */
    public static Initializer heNormal() {
        return new Named("heNormal", (s, in, out, rng) -> {
            double std = Math.sqrt(2.0 / in) / TRUNCATED_NORMAL_STD;
            return fill(s, () -> std * truncatedStandardNormal(rng));
        });
    }

    /** The name of a ready-made initialiser, or "custom" for any other. */
    static String describe(Initializer init) {
        return init instanceof Named n ? n.name() : "custom";
    }

    /** A standard normal draw, redrawn while it lies more than two standard deviations out. */
    static double truncatedStandardNormal(RandomGenerator rng) {
        double z;
        do {
            z = rng.nextGaussian();
        } while (Math.abs(z) > 2.0);
        return z;
    }

    private static Tensor fill(Shape s, DoubleSupplier draw) {
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = draw.getAsDouble();
        }
        return Tensor.of(d, s.dims());
    }
}
