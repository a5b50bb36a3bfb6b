package dev.gradtape.rl;

import dev.gradtape.nn.Layer;
import dev.gradtape.nn.Optimizer;
import java.util.Objects;

/**
 * What {@link Reinforce} subtracts from the returns before weighting the log-probabilities. A
 * baseline that does not depend on the action leaves the policy gradient unbiased,
 * E[(G - b) grad log pi] = E[G grad log pi], and lowers its variance.
 */
public sealed interface Baseline {
    /**
     * No baseline: the weights are the returns themselves (the article's recipe).
     *
     * @return the baseline that subtracts nothing
     */
    static Baseline none() {
        return new None();
    }

    /**
     * {@return a baseline that is the mean of all returns seen so far (before this update's),
     * starting at 0}
     */
    static Baseline runningMean() {
        return new RunningMean(0.0);
    }

    /**
     * An exponential moving average of the returns: b := b + rate (mean of the batch's returns - b)
     * after each update, starting at 0.
     *
     * @param rate in (0, 1]
     * @return the exponential-mean baseline
     */
    static Baseline exponentialMean(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("Baseline.exponentialMean: rate " + rate
                    + " is outside (0, 1]");
        }
        return new RunningMean(rate);
    }

    /** No baseline. */
    record None() implements Baseline {
    }

    /**
     * A running mean of the returns.
     *
     * @param rate 0 for the plain mean of every return seen; in (0, 1] for an exponential average
     */
    record RunningMean(double rate) implements Baseline {
        /**
         * Checks the rate.
         *
         * @param rate 0 for the plain mean, else the exponential average's rate, in (0, 1]
         */
        public RunningMean {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException("Baseline.RunningMean: rate " + rate
                        + " is outside [0, 1] (0 means the plain mean)");
            }
        }
    }

    /**
     * A learned state-value network V(s), fitted by mean squared error to the Monte-Carlo returns
     * after each policy update (so each update's advantages use the value network from before it).
     *
     * @param network maps (batch, observationSize [+ 1]) to (batch, 1); it sees the observations
     *     scaled as the policy scales them, plus t / maxEpisodeSteps when {@code timeFeature}
     * @param optimizer its own optimiser (not the policy's)
     * @param epochs passes over the batch per update, >= 1
     * @param minibatchSize rows per value step, >= 1; the batch is shuffled every epoch
     * @param timeFeature true to append t / maxEpisodeSteps to the input: with truncated episodes
     *     the return depends on the time left
     * @param targetScale the network fits targetScale * G (for example 1 - discount, so targets
     *     are the size of one reward), and its prediction is divided by it again; > 0
     */
    record ValueNetwork(Layer network, Optimizer optimizer, int epochs, int minibatchSize,
            boolean timeFeature, double targetScale) implements Baseline {
        /**
         * Checks the settings.
         *
         * @param network the value network, (batch, observationSize [+ 1]) to (batch, 1)
         * @param optimizer the value network's own optimiser
         * @param epochs passes over the batch per update, at least 1
         * @param minibatchSize rows per value step, at least 1
         * @param timeFeature whether t / maxEpisodeSteps is appended to the input
         * @param targetScale the factor applied to the returns the network fits, finite and positive
         */
        public ValueNetwork {
            Objects.requireNonNull(network, "Baseline.ValueNetwork: network is null");
            Objects.requireNonNull(optimizer, "Baseline.ValueNetwork: optimizer is null");
            if (epochs < 1 || minibatchSize < 1 || !(targetScale > 0) || !Double.isFinite(targetScale)) {
                throw new IllegalArgumentException("Baseline.ValueNetwork: epochs=" + epochs
                        + ", minibatchSize=" + minibatchSize + ", targetScale=" + targetScale
                        + "; need epochs >= 1, minibatchSize >= 1 and a finite targetScale > 0");
            }
        }
    }
}
