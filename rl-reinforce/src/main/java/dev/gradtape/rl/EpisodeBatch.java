package dev.gradtape.rl;

import dev.gradtape.autodiff.Tensor;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * The steps of a batch of episodes, row by row in episode-major order (all of episode 0, then
 * episode 1, ...), as flat arrays ready to become (rows, width) tensors.
 *
 * <p>{@link #collect} runs the episodes side by side, one environment per episode, so each time
 * step asks the policy once for a (running episodes, observationSize) matrix of actions instead of
 * once per episode; the dynamics are the same as running them one after another.
 */
final class EpisodeBatch {
    final int observationSize;
    final int actionSize;
    final int rows;
    final int episodes;
    final double[] observations; // rows x observationSize
    final double[] actions;      // rows x actionSize
    final double[] rewards;      // rows
    final int[] time;            // rows: the step's index within its episode
    final int[] episodeStart;    // episodes + 1 offsets into the rows

    private EpisodeBatch(int observationSize, int actionSize, double[][] obs, double[][] act,
            double[][] rew, int[] lengths) {
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.episodes = lengths.length;
        this.episodeStart = new int[episodes + 1];
        for (int e = 0; e < episodes; e++) {
            episodeStart[e + 1] = episodeStart[e] + lengths[e];
        }
        this.rows = episodeStart[episodes];
        this.observations = new double[rows * observationSize];
        this.actions = new double[rows * actionSize];
        this.rewards = new double[rows];
        this.time = new int[rows];
        for (int e = 0; e < episodes; e++) {
            int r0 = episodeStart[e];
            System.arraycopy(obs[e], 0, observations, r0 * observationSize, lengths[e] * observationSize);
            System.arraycopy(act[e], 0, actions, r0 * actionSize, lengths[e] * actionSize);
            System.arraycopy(rew[e], 0, rewards, r0, lengths[e]);
            for (int t = 0; t < lengths[e]; t++) {
                time[r0 + t] = t;
            }
        }
    }

    /**
     * Runs one episode in each environment, side by side.
     *
     * @param update the update's number, for error messages
     */
    static EpisodeBatch collect(GaussianPolicy policy, Environment[] envs, RandomGenerator envSeeds,
            RandomGenerator noise, long update) {
        int n = envs.length;
        int os = policy.observationSize();
        int as = policy.actionSize();
        int maxSteps = envs[0].maxEpisodeSteps();
        double[][] obs = new double[n][];
        double[][] act = new double[n][];
        double[][] rew = new double[n][];
        int[] len = new int[n];
        double[][] current = new double[n][];
        boolean[] running = new boolean[n];
        for (int e = 0; e < n; e++) {
            current[e] = envs[e].reset(envSeeds.nextLong());
            running[e] = true;
            obs[e] = new double[maxSteps * os];
            act[e] = new double[maxSteps * as];
            rew[e] = new double[maxSteps];
        }
        int active = n;
        int[] index = new int[n];
        while (active > 0) {
            double[] x = new double[active * os];
            for (int e = 0, j = 0; e < n; e++) {
                if (running[e]) {
                    System.arraycopy(current[e], 0, x, j * os, os);
                    index[j++] = e;
                }
            }
            double[] a = policy.sample(Tensor.of(x, active, os), noise).toArray();
            for (int j = 0; j < active; j++) {
                int e = index[j];
                double[] action = Arrays.copyOfRange(a, j * as, (j + 1) * as);
                for (double v : action) {
                    if (!Double.isFinite(v)) {
                        throw new TrainingDivergedException(update, "the policy sampled the action "
                                + Arrays.toString(action) + " for observation "
                                + Arrays.toString(current[e]) + " (episode " + e + ", step " + len[e]
                                + "); its parameters hold a NaN or infinity");
                    }
                }
                StepResult r = envs[e].step(action);
                int t = len[e];
                if (t == obs[e].length / os) {
                    obs[e] = Arrays.copyOf(obs[e], 2 * obs[e].length);
                    act[e] = Arrays.copyOf(act[e], 2 * act[e].length);
                    rew[e] = Arrays.copyOf(rew[e], 2 * rew[e].length);
                }
                System.arraycopy(current[e], 0, obs[e], t * os, os);
                System.arraycopy(action, 0, act[e], t * as, as);
                rew[e][t] = r.reward();
                len[e] = t + 1;
                current[e] = r.observation();
                if (r.done() || len[e] >= maxSteps) {
                    running[e] = false;
                }
            }
            active = 0;
            for (boolean b : running) {
                if (b) active++;
            }
        }
        return new EpisodeBatch(os, as, obs, act, rew, len);
    }

    /**
     * The weight of each row: the discounted reward-to-go G_t = r_t + gamma G_{t+1} within its
     * episode, or (without reward-to-go) the episode's whole discounted return G_0 on every row.
     */
    double[] returns(double discount, boolean rewardToGo) {
        double[] g = new double[rows];
        for (int e = 0; e < episodes; e++) {
            double acc = 0;
            for (int r = episodeStart[e + 1] - 1; r >= episodeStart[e]; r--) {
                acc = rewards[r] + discount * acc;
                g[r] = acc;
            }
            if (!rewardToGo) {
                Arrays.fill(g, episodeStart[e], episodeStart[e + 1], g[episodeStart[e]]);
            }
        }
        return g;
    }

    /** The mean undiscounted return per episode. */
    double meanEpisodeReturn() {
        double s = 0;
        for (double r : rewards) s += r;
        return s / episodes;
    }

    Tensor observationTensor() {
        return Tensor.of(observations, rows, observationSize);
    }

    Tensor actionTensor() {
        return Tensor.of(actions, rows, actionSize);
    }
}
