package dev.gradtape.nn;

/**
 * The learning rate as a function of the optimiser's step count, Keras'
 * {@code LearningRateSchedule}. Step 0 is the first update, so an optimiser that has applied
 * {@code t} updates uses {@code rate(t)} for the next one. Every optimiser accepts one.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The learning rate for update number {@code step} (counting from 0); finite and >= 0.
     *
     * @param step the number of updates applied before this one
     * @return the rate for that update
     */
    double rate(long step);

    /**
     * The same rate at every step.
     *
     * @param rate the learning rate of every update
     * @return the constant schedule
     * @throws IllegalArgumentException unless {@code rate} is finite and > 0
     */
    static LearningRateSchedule constant(double rate) {
        Hyper.positive("LearningRateSchedule.constant", "rate", rate);
        return new Schedules.Constant(rate);
    }

    /**
     * Linear decay from {@code initial} at step 0 to {@code end} at step {@code steps}, then
     * {@code end}: rate(t) = initial + (end - initial) min(t, steps) / steps (Keras'
     * PolynomialDecay with power 1).
     *
     * @param initial the rate at step 0
     * @param end the rate from step {@code steps} on
     * @param steps the number of steps the decay lasts
     * @return the linear-decay schedule
     * @throws IllegalArgumentException unless initial > 0, end >= 0 (both finite) and steps >= 1
     */
    static LearningRateSchedule linearDecay(double initial, double end, long steps) {
        Hyper.positive("LearningRateSchedule.linearDecay", "initial", initial);
        Hyper.nonNegative("LearningRateSchedule.linearDecay", "end", end);
        if (steps < 1) {
            throw new IllegalArgumentException("LearningRateSchedule.linearDecay: steps is " + steps
                    + "; valid range is steps >= 1");
        }
        return new Schedules.LinearDecay(initial, end, steps);
    }

    /**
     * Exponential decay: rate(t) = initial * decayRate^(t / decaySteps) (Keras' ExponentialDecay
     * without staircase).
     *
     * @param initial the rate at step 0
     * @param decayRate the factor by which the rate shrinks every {@code decaySteps} steps
     * @param decaySteps the number of steps over which the rate is multiplied by {@code decayRate}
     * @return the exponential-decay schedule
     * @throws IllegalArgumentException unless initial > 0, 0 &lt; decayRate &lt;= 1 and decaySteps >= 1
     */
    static LearningRateSchedule exponentialDecay(double initial, double decayRate, long decaySteps) {
        Hyper.positive("LearningRateSchedule.exponentialDecay", "initial", initial);
        if (!(decayRate > 0 && decayRate <= 1)) {
            throw new IllegalArgumentException("LearningRateSchedule.exponentialDecay: decayRate is "
                    + decayRate + "; valid range is (0, 1]");
        }
        if (decaySteps < 1) {
            throw new IllegalArgumentException("LearningRateSchedule.exponentialDecay: decaySteps is "
                    + decaySteps + "; valid range is decaySteps >= 1");
        }
        return new Schedules.ExponentialDecay(initial, decayRate, decaySteps);
    }
}
