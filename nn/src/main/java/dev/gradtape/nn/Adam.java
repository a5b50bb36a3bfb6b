package dev.gradtape.nn;

import java.util.List;

/**
 * Adam (Kingma and Ba, 2014) in Keras' form, with Keras' defaults: learning rate 0.001,
 * beta1 0.9, beta2 0.999, epsilon 1e-7.
 *
 * <p>For each parameter theta with gradient g, at update t = 1, 2, ... (m and v start at 0):
 * <pre>
 * m     = beta1 m + (1 - beta1) g
 * v     = beta2 v + (1 - beta2) g^2
 * lr_t  = lr sqrt(1 - beta2^t) / (1 - beta1^t)
 * theta = theta - lr_t m / (sqrt(v) + epsilon)
 * </pre>
 * This is the "efficient" form written just before Section 2.1 of the paper, the form Keras and
 * TensorFlow use: both bias corrections are folded into lr_t, and epsilon is added to sqrt(v)
 * (Keras' documentation calls it "epsilon hat"), not to sqrt(v / (1 - beta2^t)) as in the
 * paper's Algorithm 1. The two differ only in how epsilon is scaled. lr is the schedule's rate
 * at step t - 1. beta^t is a running product of t multiplications (after a checkpoint is loaded
 * it is recomputed the same way), so the same bits come out on every JVM and a run resumed from
 * a checkpoint (which stores t) continues bit-for-bit.
 *
 * <p>State: slots {@code m} and {@code v} per parameter, and the step count.
 */
public final class Adam extends SlotOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    /** lr_t of the current step, cached: the same for every parameter of a step. */
    private double cachedLrT;
    private long stepOfLrT = -1;
    private double lrOfLrT = Double.NaN;
    /** beta1^t and beta2^t for t = powerStep, kept as running products. */
    private double beta1Power = 1;
    private double beta2Power = 1;
    private long powerStep;

    /** Adam with Keras' defaults. */
    public Adam() {
        this(builder());
    }

    /**
     * Adam with the given constant learning rate and Keras' other defaults.
     *
     * @param learningRate the step size alpha, the same for every update
     * @throws IllegalArgumentException unless the rate is finite and > 0
     */
    public Adam(double learningRate) {
        this(builder().learningRate(learningRate));
    }

    private Adam(Builder b) {
        super("Adam", b.rateSchedule(),
                List.of("m", "v"));
        this.beta1 = Hyper.unitInterval("Adam", "beta1", b.beta1);
        this.beta2 = Hyper.unitInterval("Adam", "beta2", b.beta2);
        this.epsilon = Hyper.positive("Adam", "epsilon", b.epsilon);
    }

    /** {@return a builder starting from Keras' defaults} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    void update(double[] theta, double[] g, double[][] slots, long t, double lr) {
        double[] m = slots[0];
        double[] v = slots[1];
        if (t != stepOfLrT || lr != lrOfLrT) { // once per step, not once per parameter
            advancePowers(t);
            cachedLrT = lr * Math.sqrt(1 - beta2Power) / (1 - beta1Power);
            stepOfLrT = t;
            lrOfLrT = lr;
        }
        double lrT = cachedLrT;
        for (int i = 0; i < theta.length; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            theta[i] -= lrT * m[i] / (Math.sqrt(v[i]) + epsilon);
        }
    }

    /**
     * 0 for a subnormal x. beta^t becomes subnormal after a few thousand steps (0.9^6700 is below
     * 2.2e-308), and arithmetic on subnormals is about a hundred times slower. The result is the
     * same either way: 1 - x is exactly 1 for any x below 1e-16.
     */
    private static double flushSubnormal(double x) {
        return x < Double.MIN_NORMAL ? 0.0 : x;
    }

    /**
     * Brings beta1^t and beta2^t to step t: one multiplication per step in a training loop, and
     * t multiplications after a jump (a loaded checkpoint), in the same order, so the bits are the
     * same either way. Cheaper than {@code pow}, which cost a third of a small model's update.
     * Once both powers are fixed (flushed to 0, or a beta of 1) they stay so, and the loop stops:
     * a jump to any step count costs at most about 710,000 multiplications (0.999^t is flushed
     * to 0 from t = 708,000 on).
     */
    private void advancePowers(long t) {
        if (t != powerStep + 1) {
            beta1Power = 1;
            beta2Power = 1;
            powerStep = 0;
        }
        while (powerStep < t) {
            if ((beta1Power == 0 || beta1 == 1) && (beta2Power == 0 || beta2 == 1)) {
                powerStep = t; // x * beta is x again for every later step
                break;
            }
            beta1Power = flushSubnormal(beta1Power * beta1);
            beta2Power = flushSubnormal(beta2Power * beta2);
            powerStep++;
        }
    }

    /** {@return the decay rate of the first-moment estimate} */
    public double beta1() {
        return beta1;
    }

    /** {@return the decay rate of the second-moment estimate} */
    public double beta2() {
        return beta2;
    }

    /** {@return the constant added to sqrt(v) ("epsilon hat")} */
    public double epsilon() {
        return epsilon;
    }

    @Override
    String describe() {
        return "beta1=" + beta1 + ", beta2=" + beta2 + ", epsilon=" + epsilon;
    }

    /**
     * Settings for {@link Adam}, starting from its defaults (learning rate 0.001); each is checked
     * when {@link #build()} is called.
     */
    public static final class Builder extends RateBuilder<Builder> {
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double epsilon = 1e-7;

        private Builder() {
            super("Adam", 0.001);
        }

        /**
         * The first-moment decay, in [0, 1) (default 0.9).
         *
         * @param value beta1
         * @return this builder
         */
        public Builder beta1(double value) {
            this.beta1 = value;
            return this;
        }

        /**
         * The second-moment decay, in [0, 1) (default 0.999).
         *
         * @param value beta2
         * @return this builder
         */
        public Builder beta2(double value) {
            this.beta2 = value;
            return this;
        }

        /**
         * The constant added to sqrt(v), > 0 (default 1e-7).
         *
         * @param value epsilon hat
         * @return this builder
         */
        public Builder epsilon(double value) {
            this.epsilon = value;
            return this;
        }

        /**
         * The optimiser.
         *
         * @return a new Adam with these settings and no state yet
         * @throws IllegalArgumentException naming the setting and its valid range if one is out
         *     of range
         */
        public Adam build() {
            return new Adam(this);
        }
    }
}
