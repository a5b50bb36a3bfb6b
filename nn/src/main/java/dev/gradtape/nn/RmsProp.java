package dev.gradtape.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * RMSprop (Hinton's lecture 6e) in Keras' form, with Keras' defaults: learning rate 0.001,
 * rho 0.9, momentum 0, epsilon 1e-7, not centered.
 *
 * <p>For each parameter theta with gradient g (v, the mean gradient mg and the momentum
 * buffer mom start at 0; lr is the schedule's rate at this step):
 * <pre>
 * v     = rho v + (1 - rho) g^2
 * mg    = rho mg + (1 - rho) g                 (centered only)
 * d     = v + epsilon                          (plain)
 * d     = v - mg^2 + epsilon                   (centered: an estimate of the variance)
 * inc   = lr g / sqrt(d)
 * mom   = momentum mom + inc,  theta = theta - mom   (momentum > 0)
 * theta = theta - inc                                 (momentum = 0)
 * </pre>
 * As in Keras, epsilon is added inside the square root.
 *
 * <p>State: slots {@code velocity}, {@code momentum} (when momentum > 0) and
 * {@code average_gradient} (when centered) per parameter, and the step count.
 */
public final class RmsProp extends SlotOptimizer {
    private final double rho;
    private final double momentum;
    private final double epsilon;
    private final boolean centered;

    /** RMSprop with Keras' defaults. */
    public RmsProp() {
        this(builder());
    }

    /**
     * RMSprop with the given constant learning rate and Keras' other defaults.
     *
     * @param learningRate the step size, the same for every update
     * @throws IllegalArgumentException unless the rate is finite and > 0
     */
    public RmsProp(double learningRate) {
        this(builder().learningRate(learningRate));
    }

    private RmsProp(Builder b) {
        super("RmsProp", b.rateSchedule(),
                slotNames(b));
        this.rho = b.rho;
        this.momentum = b.momentum;
        this.epsilon = Hyper.positive("RmsProp", "epsilon", b.epsilon);
        this.centered = b.centered;
    }

    private static List<String> slotNames(Builder b) {
        Hyper.unitInterval("RmsProp", "rho", b.rho);
        Hyper.unitInterval("RmsProp", "momentum", b.momentum);
        List<String> names = new ArrayList<>(List.of("velocity"));
        if (b.momentum > 0) {
            names.add("momentum");
        }
        if (b.centered) {
            names.add("average_gradient");
        }
        return names;
    }

    /** {@return a builder starting from Keras' defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    void update(double[] theta, double[] g, double[][] slots, long t, double lr) {
        double[] v = slots[0];
        double[] mom = momentum > 0 ? slots[1] : null;
        double[] mg = centered ? slots[slots.length - 1] : null;
        for (int i = 0; i < theta.length; i++) {
            v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
            double d;
            if (centered) {
                mg[i] = rho * mg[i] + (1 - rho) * g[i];
                d = v[i] - mg[i] * mg[i] + epsilon;
            } else {
                d = v[i] + epsilon;
            }
            double inc = lr * g[i] / Math.sqrt(d);
            if (mom != null) {
                mom[i] = momentum * mom[i] + inc;
                theta[i] -= mom[i];
            } else {
                theta[i] -= inc;
            }
        }
    }

    /** {@return the decay of the mean square} */
    public double rho() {
        return rho;
    }

    /** {@return the momentum coefficient} */
    public double momentum() {
        return momentum;
    }

    /** {@return the constant added to the mean square before the square root} */
    public double epsilon() {
        return epsilon;
    }

    /** {@return whether the variance (centered) rather than the mean square normalises} */
    public boolean centered() {
        return centered;
    }

    @Override
    String describe() {
        return "rho=" + rho + ", momentum=" + momentum + ", epsilon=" + epsilon + ", centered="
                + centered;
    }

    /**
     * Settings for {@link RmsProp}, starting from its defaults (learning rate 0.001); each is checked
     * when {@link #build()} is called.
     */
    public static final class Builder extends RateBuilder<Builder> {
        private double rho = 0.9;
        private double momentum;
        private double epsilon = 1e-7;
        private boolean centered;

        private Builder() {
            super("RmsProp", 0.001);
        }

        /**
         * The decay of the mean square, in [0, 1) (default 0.9).
         *
         * @param value rho
         * @return this builder
         */
        public Builder rho(double value) {
            this.rho = value;
            return this;
        }

        /**
         * The momentum coefficient, in [0, 1) (default 0).
         *
         * @param value the momentum coefficient
         * @return this builder
         */
        public Builder momentum(double value) {
            this.momentum = value;
            return this;
        }

        /**
         * The constant added inside the square root, > 0 (default 1e-7).
         *
         * @param value epsilon
         * @return this builder
         */
        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        /**
         * Whether to normalise by the estimated variance (default false).
         *
         * @param value true for the centered form
         * @return this builder
         */
        public Builder centered(boolean value) {
            this.centered = value;
            return this;
        }

        /**
         * The optimiser.
         *
         * @return a new RMSprop with these settings and no state yet
         * @throws IllegalArgumentException naming the setting and its valid range if one is out
         *     of range
         */
        public RmsProp build() {
            return new RmsProp(this);
        }
    }
}
