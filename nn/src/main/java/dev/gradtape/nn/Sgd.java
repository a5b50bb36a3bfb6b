package dev.gradtape.nn;

import java.util.List;

/**
 * Stochastic gradient descent with optional momentum and Nesterov momentum, in Keras' form, with
 * Keras' defaults: learning rate 0.01, momentum 0, no Nesterov.
 *
 * <p>For each parameter theta with gradient g (the velocity u starts at 0; lr is the schedule's
 * rate at this step):
 * <pre>
 * momentum = 0:   theta = theta - lr g
 * momentum > 0:   u     = momentum u - lr g
 *                 theta = theta + u                      (classical momentum)
 *                 theta = theta + momentum u - lr g      (Nesterov)
 * </pre>
 * The Nesterov form is Sutskever et al.'s reformulation, which evaluates the gradient at the
 * current parameters rather than at the look-ahead point.
 *
 * <p>State: slot {@code velocity} per parameter when momentum > 0, and the step count.
 */
public final class Sgd extends SlotOptimizer {
    private final double momentum;
    private final boolean nesterov;

    /** Plain SGD with Keras' default learning rate 0.01. */
    public Sgd() {
        this(builder());
    }

    /**
     * Plain SGD with the given constant learning rate.
     *
     * @param learningRate the step size, the same for every update
     * @throws IllegalArgumentException unless the rate is finite and > 0
     */
    public Sgd(double learningRate) {
        this(builder().learningRate(learningRate));
    }

    private Sgd(Builder b) {
        super("Sgd", b.rateSchedule(),
                Hyper.unitInterval("Sgd", "momentum", b.momentum) > 0
                        ? List.of("velocity") : List.of());
        if (b.nesterov && b.momentum == 0) {
            throw new IllegalArgumentException(
                    "Sgd: nesterov needs momentum in (0, 1); momentum is 0");
        }
        this.momentum = b.momentum;
        this.nesterov = b.nesterov;
    }

    /** {@return a builder starting from Keras' defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    void update(double[] theta, double[] g, double[][] slots, long t, double lr) {
        if (momentum == 0) {
            for (int i = 0; i < theta.length; i++) {
                theta[i] -= lr * g[i];
            }
            return;
        }
        double[] u = slots[0];
        for (int i = 0; i < theta.length; i++) {
            u[i] = momentum * u[i] - lr * g[i];
            theta[i] += nesterov ? momentum * u[i] - lr * g[i] : u[i];
        }
    }

    /** {@return the momentum coefficient, in [0, 1)} */
    public double momentum() {
        return momentum;
    }

    /** {@return whether the Nesterov form is used} */
    public boolean nesterov() {
        return nesterov;
    }

    @Override
    String describe() {
        return "momentum=" + momentum + ", nesterov=" + nesterov;
    }

    /**
     * Settings for {@link Sgd}, starting from its defaults (learning rate 0.01); each is checked
     * when {@link #build()} is called.
     */
    public static final class Builder extends RateBuilder<Builder> {
        private double momentum;
        private boolean nesterov;

        private Builder() {
            super("Sgd", 0.01);
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
         * Whether to use Nesterov momentum (default false); needs momentum > 0.
         *
         * @param value true for the Nesterov form
         * @return this builder
         */
        public Builder nesterov(boolean value) {
            this.nesterov = value;
            return this;
        }

        /**
         * The optimiser.
         *
         * @return a new SGD with these settings and no state yet
         * @throws IllegalArgumentException naming the setting and its valid range if one is out
         *     of range
         */
        public Sgd build() {
            return new Sgd(this);
        }
    }
}
