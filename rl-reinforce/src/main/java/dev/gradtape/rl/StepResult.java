package dev.gradtape.rl;

import java.util.Arrays;
import java.util.Objects;

/**
 * What one {@link Environment#step} returns.
 *
 * @param observation the observation after the step (a copy is kept and handed out)
 * @param reward the reward for the step
 * @param terminated true if the episode reached a terminal state (no future rewards)
 * @param truncated true if the episode was cut off by a time limit (the state is not terminal)
 */
public record StepResult(double[] observation, double reward, boolean terminated, boolean truncated) {
    /**
     * Copies the observation so that the record stays immutable.
     *
     * @param observation the observation after the step, copied
     * @param reward the reward for the step
     * @param terminated whether a terminal state was reached
     * @param truncated whether a time limit cut the episode off
     */
    public StepResult {
        Objects.requireNonNull(observation, "StepResult: observation is null");
        observation = observation.clone();
    }

    /** {@return a copy of the observation} */
    @Override
    public double[] observation() {
        return observation.clone();
    }

    /** {@return true if the episode is over, terminated or truncated} */
    public boolean done() {
        return terminated || truncated;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepResult r && Arrays.equals(observation, r.observation)
                && Double.compare(reward, r.reward) == 0 && terminated == r.terminated
                && truncated == r.truncated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(observation), reward, terminated, truncated);
    }

    @Override
    public String toString() {
        return "StepResult[observation=" + Arrays.toString(observation) + ", reward=" + reward
                + ", terminated=" + terminated + ", truncated=" + truncated + "]";
    }
}
