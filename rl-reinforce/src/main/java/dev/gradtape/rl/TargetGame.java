package dev.gradtape.rl;

/**
 * The article's one-shot game: one state (the constant observation [1.0]), one action, one reward,
 * and the episode ends. The reward is
 *
 * <pre>
 *     R(a) = zeta * beta / max(zeta, |tau - a|)
 * </pre>
 *
 * so R is in (0, beta], equal to beta within zeta of the target tau and falling off as 1 / distance
 * outside it. The agent does not see tau; it must find it from rewards alone. Defaults are the
 * article's: beta 1.0 (the largest reward), tau 4.0 (the target), zeta 0.25 (the target range).
 */
public final class TargetGame implements Environment {
    private static final double[] OBSERVATION = {1.0};

    private final double beta;
    private final double tau;
    private final double zeta;
    private boolean running;

    /** The article's game: beta 1.0, tau 4.0, zeta 0.25. */
    public TargetGame() {
        this(1.0, 4.0, 0.25);
    }

    /**
     * A game with the given constants.
     *
     * @param beta the largest reward, finite and > 0
     * @param tau the target action, finite
     * @param zeta the target range, finite and > 0
     * @throws IllegalArgumentException otherwise
     */
    public TargetGame(double beta, double tau, double zeta) {
        if (!(beta > 0) || !Double.isFinite(beta) || !Double.isFinite(tau) || !(zeta > 0)
                || !Double.isFinite(zeta)) {
            throw new IllegalArgumentException("TargetGame: got beta=" + beta + ", tau=" + tau
                    + ", zeta=" + zeta + "; need finite beta > 0, finite tau and finite zeta > 0");
        }
        this.beta = beta;
        this.tau = tau;
        this.zeta = zeta;
    }

    /**
     * The reward of action {@code a}: zeta * beta / max(zeta, |tau - a|).
     *
     * @param a the action
     * @return the reward, in (0, beta]
     */
    public double reward(double a) {
        return zeta * beta / Math.max(zeta, Math.abs(tau - a));
    }

    /** {@return the largest reward} */
    public double beta() {
        return beta;
    }

    /** {@return the target action} */
    public double tau() {
        return tau;
    }

    /** {@return the target range} */
    public double zeta() {
        return zeta;
    }

    /** Starts the one-step episode; the game has no randomness, so the seed is not used. */
    @Override
    public double[] reset(long seed) {
        running = true;
        return OBSERVATION.clone();
    }

    /** Scores the action; the episode then terminates. */
    @Override
    public StepResult step(double[] action) {
        Actions.check("TargetGame", action, 1);
        if (!running) {
            throw new IllegalStateException("TargetGame.step: no episode is running; call reset(seed)"
                    + " first (each episode is a single step)");
        }
        running = false;
        return new StepResult(OBSERVATION, reward(action[0]), true, false);
    }

    @Override
    public int observationSize() {
        return 1;
    }

    @Override
    public int actionSize() {
        return 1;
    }

    @Override
    public double[] actionLow() {
        return new double[] {Double.NEGATIVE_INFINITY};
    }

    @Override
    public double[] actionHigh() {
        return new double[] {Double.POSITIVE_INFINITY};
    }

    @Override
    public int maxEpisodeSteps() {
        return 1;
    }

    @Override
    public String toString() {
        return "TargetGame[beta=" + beta + ", tau=" + tau + ", zeta=" + zeta + "]";
    }
}
