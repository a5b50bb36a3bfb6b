package dev.gradtape.rl;

/**
 * An episodic environment with continuous actions, in the shape of Gymnasium's API: {@link #reset}
 * starts an episode from a seed and returns the first observation, {@link #step} applies an action
 * and returns the next observation, the reward and whether the episode ended.
 *
 * <p>An environment is a mutable simulator: one instance runs one episode at a time and is not
 * thread-safe. Everything random in it comes from the seed given to {@link #reset}, so the same
 * seed and the same actions give bit-identical episodes.
 */
public interface Environment {
    /**
     * Starts a new episode.
     *
     * @param seed the seed of everything random in this episode (the start state)
     * @return the first observation, of length {@link #observationSize()}
     */
    double[] reset(long seed);

    /**
     * Applies {@code action} and advances one step.
     *
     * @param action of length {@link #actionSize()}; every element finite. Values outside
     *     [{@link #actionLow()}, {@link #actionHigh()}] are clipped by the environment where its
     *     dynamics say so (Pendulum clips the torque), not rejected.
     * @return the next observation, the reward and whether the episode ended
     * @throws IllegalArgumentException if the action has the wrong length or a non-finite element
     * @throws IllegalStateException if no episode is running (before reset, or after it ended)
     */
    StepResult step(double[] action);

    /** {@return the length of an observation} */
    int observationSize();

    /** {@return the length of an action} */
    int actionSize();

    /** {@return the lower action bound of each action element (may be -infinity)} */
    double[] actionLow();

    /** {@return the upper action bound of each action element (may be +infinity)} */
    double[] actionHigh();

    /** {@return the number of steps after which an episode is truncated} */
    int maxEpisodeSteps();
}
