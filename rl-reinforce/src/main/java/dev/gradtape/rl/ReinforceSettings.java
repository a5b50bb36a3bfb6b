package dev.gradtape.rl;

import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Optimizer;
import java.util.Objects;

/**
 * The settings of a {@link Reinforce} run. Build them with {@link #builder()} ({@code set*} for
 * the required optimiser, {@code opt*} for the rest) or start from {@link #article()}.
 *
 * <p>The optimisers are mutable objects (they keep moment estimates and a step count); a settings
 * value belongs to one run.
 *
 * @param optimizer the policy's optimiser; learning-rate schedules belong to it
 * @param episodesPerUpdate episodes collected per update, >= 1 (the article: 1)
 * @param discount gamma in [0, 1]
 * @param rewardToGo true: step t is weighted by G_t = sum_{k >= t} gamma^(k - t) r_k; false:
 *     every step of an episode is weighted by the whole discounted return G_0
 * @param baseline what is subtracted from the returns
 * @param normalizeAdvantages true to standardise the weights per batch, (A - mean) / (std + 1e-8)
 *     (skipped for a batch of one step, where it would make every weight 0)
 * @param entropyCoefficient c >= 0: the loss gets -c * mean entropy, which pushes sigma up
 * @param maxGradientNorm the policy gradient's global norm is clipped to this; +infinity for none
 * @param logDensity the exact log-density or the article's log(pdf + 1e-5)
 * @param seed the seed of every random draw of the run: environment starts, action noise and
 *     value-network minibatches (the policy's initial weights come from its own factory's seed)
 * @param threads the threads that collect a batch's episodes, >= 1: the calling thread and
 *     {@code threads - 1} workers, each running a contiguous share of the episodes (the results
 *     are the same bit for bit for any count; see {@link Reinforce})
 */
public record ReinforceSettings(Optimizer optimizer, int episodesPerUpdate, double discount,
        boolean rewardToGo, Baseline baseline, boolean normalizeAdvantages,
        double entropyCoefficient, double maxGradientNorm, LogDensity logDensity, long seed,
        int threads) {
    /**
     * Checks every setting; the message names the setting, its value and the valid range.
     *
     * @param optimizer the policy's optimiser
     * @param episodesPerUpdate episodes per update, at least 1
     * @param discount gamma, in [0, 1]
     * @param rewardToGo reward-to-go weights rather than whole-episode returns
     * @param baseline what is subtracted from the returns
     * @param normalizeAdvantages whether the weights are standardised per batch
     * @param entropyCoefficient the entropy bonus coefficient, at least 0
     * @param maxGradientNorm the clipping norm of the policy gradient, positive
     * @param logDensity the log-density in the loss
     * @param seed the seed of the run's random draws
     * @param threads the threads that collect episodes, at least 1
     */
    public ReinforceSettings {
        Objects.requireNonNull(optimizer, "ReinforceSettings: no optimizer; call setOptimizer");
        Objects.requireNonNull(baseline, "ReinforceSettings: baseline is null; use Baseline.none()");
        Objects.requireNonNull(logDensity, "ReinforceSettings: logDensity is null");
        if (episodesPerUpdate < 1) {
            throw new IllegalArgumentException("ReinforceSettings: episodesPerUpdate is "
                    + episodesPerUpdate + "; need at least 1 episode per update");
        }
        if (!(discount >= 0 && discount <= 1)) {
            throw new IllegalArgumentException("ReinforceSettings: discount is " + discount
                    + "; the discount factor gamma must be in [0, 1]");
        }
        if (!(entropyCoefficient >= 0) || !Double.isFinite(entropyCoefficient)) {
            throw new IllegalArgumentException("ReinforceSettings: entropyCoefficient is "
                    + entropyCoefficient + "; need a finite value >= 0");
        }
        if (!(maxGradientNorm > 0)) {
            throw new IllegalArgumentException("ReinforceSettings: maxGradientNorm is " + maxGradientNorm
                    + "; need a value > 0 (Double.POSITIVE_INFINITY for no clipping)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("ReinforceSettings: threads is " + threads
                    + "; need at least 1 thread to collect episodes on");
        }
    }

    /** {@return a builder with the defaults of {@link #builder()}} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The article's recipe: one one-step episode per update, no discounting, no baseline, no
     * normalisation, the log(pdf + 1e-5) loss, Adam with learning rate 0.001 and Keras' defaults.
     *
     * @return a builder holding the article's recipe, ready to build or to change
     */
    public static Builder article() {
        return builder().setOptimizer(new Adam(0.001)).optEpisodesPerUpdate(1).optDiscount(1.0)
                .optLogDensity(LogDensity.ARTICLE);
    }

    /**
     * Builds {@link ReinforceSettings}. Defaults: 1 episode per update, discount 1, reward-to-go,
     * no baseline, no normalisation, no entropy bonus, no clipping, the exact log-density, seed 0,
     * episodes collected on 1 thread (the caller's).
     */
    public static final class Builder {
        private Optimizer optimizer;
        private int episodesPerUpdate = 1;
        private double discount = 1.0;
        private boolean rewardToGo = true;
        private Baseline baseline = Baseline.none();
        private boolean normalizeAdvantages;
        private double entropyCoefficient;
        private double maxGradientNorm = Double.POSITIVE_INFINITY;
        private LogDensity logDensity = LogDensity.EXACT;
        private long seed;
        private int threads = 1;

        private Builder() {
        }

        /**
         * The policy's optimiser (required).
         *
         * @param value the policy's optimiser
         * @return this builder
         */
        public Builder setOptimizer(Optimizer value) {
            optimizer = value;
            return this;
        }

        /**
         * Episodes per update, >= 1.
         *
         * @param value the number of episodes
         * @return this builder
         */
        public Builder optEpisodesPerUpdate(int value) {
            episodesPerUpdate = value;
            return this;
        }

        /**
         * The discount gamma, in [0, 1].
         *
         * @param value gamma
         * @return this builder
         */
        public Builder optDiscount(double value) {
            discount = value;
            return this;
        }

        /**
         * Reward-to-go weights (true) or whole-episode returns (false).
         *
         * @param value true for reward-to-go
         * @return this builder
         */
        public Builder optRewardToGo(boolean value) {
            rewardToGo = value;
            return this;
        }

        /**
         * The baseline.
         *
         * @param value the baseline
         * @return this builder
         */
        public Builder optBaseline(Baseline value) {
            baseline = value;
            return this;
        }

        /**
         * Per-batch advantage normalisation.
         *
         * @param value true to normalise
         * @return this builder
         */
        public Builder optNormalizeAdvantages(boolean value) {
            normalizeAdvantages = value;
            return this;
        }

        /**
         * The entropy bonus coefficient, >= 0.
         *
         * @param value the coefficient c
         * @return this builder
         */
        public Builder optEntropyCoefficient(double value) {
            entropyCoefficient = value;
            return this;
        }

        /**
         * The largest global norm of the policy gradient, > 0.
         *
         * @param value the norm, or +infinity for no clipping
         * @return this builder
         */
        public Builder optMaxGradientNorm(double value) {
            maxGradientNorm = value;
            return this;
        }

        /**
         * The log-density used in the loss.
         *
         * @param value exact, or the article's log(pdf + 1e-5)
         * @return this builder
         */
        public Builder optLogDensity(LogDensity value) {
            logDensity = value;
            return this;
        }

        /**
         * The seed of the run's random draws.
         *
         * @param value the seed
         * @return this builder
         */
        public Builder optSeed(long value) {
            seed = value;
            return this;
        }

        /**
         * The threads that collect a batch's episodes, >= 1 (default 1: the calling thread). With
         * more, the {@link Reinforce} keeps a pool of {@code value - 1} daemon threads until it
         * is closed.
         *
         * @param value the thread count
         * @return this builder
         */
        public Builder optThreads(int value) {
            threads = value;
            return this;
        }

        /**
         * The settings.
         *
         * @return the settings, checked
         * @throws IllegalArgumentException naming the setting if one is invalid
         * @throws NullPointerException if no optimiser was set
         */
        public ReinforceSettings build() {
            return new ReinforceSettings(optimizer, episodesPerUpdate, discount, rewardToGo, baseline,
                    normalizeAdvantages, entropyCoefficient, maxGradientNorm, logDensity, seed, threads);
        }
    }
}
