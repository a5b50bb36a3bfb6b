package dev.gradtape.nn;

import java.util.Objects;

/**
 * The learning-rate settings every optimiser's builder shares: a constant rate or a schedule,
 * whichever was set last. {@code B} is the concrete builder, so that calls chain.
 *
 * @param <B> the builder type
 */
abstract class RateBuilder<B extends RateBuilder<B>> {
    private final String kind;
    private double learningRate;
    private LearningRateSchedule schedule;

    RateBuilder(String kind, double defaultLearningRate) {
        this.kind = kind;
        this.learningRate = defaultLearningRate;
    }

    /**
     * A constant learning rate, > 0; replaces any schedule set before.
     *
     * @param value the learning rate of every update
     * @return this builder
     */
    public B learningRate(double value) {
        this.learningRate = value;
        this.schedule = null;
        return self();
    }

    /**
     * A learning-rate schedule; replaces any constant rate set before.
     *
     * @param value the schedule the learning rate follows
     * @return this builder
     */
    public B schedule(LearningRateSchedule value) {
        this.schedule = Objects.requireNonNull(value, () -> kind + ".Builder: schedule is null");
        return self();
    }

    /** The schedule if one was set, else the constant learning rate, which must be > 0. */
    LearningRateSchedule rateSchedule() {
        return schedule != null ? schedule
                : LearningRateSchedule.constant(Hyper.positive(kind, "learningRate", learningRate));
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
