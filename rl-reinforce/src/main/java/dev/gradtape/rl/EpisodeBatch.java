package dev.gradtape.rl;

import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The steps of a batch of episodes, row by row in episode-major order (all of episode 0, then
 * episode 1, ...), as flat arrays ready to become (rows, width) tensors.
 *
 * <p>{@link #run} runs episodes side by side, one environment per episode, so each time step asks
 * the policy once for a (running episodes, observationSize) matrix of actions instead of once per
 * episode; the dynamics are the same as running them one after another. A batch may be collected
 * in contiguous shares of its episodes, on as many threads, and assembled in episode order
 * ({@link #of}): each episode draws from its own stream, so the batch is the same bit for bit.
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

    private EpisodeBatch(int observationSize, int actionSize, List<Share> shares) {
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        int n = 0;
        for (Share s : shares) {
            n += s.len.length;
        }
        this.episodes = n;
        this.episodeStart = new int[episodes + 1];
        int e = 0;
        for (Share s : shares) {
            for (int length : s.len) {
                episodeStart[e + 1] = episodeStart[e] + length;
                e++;
            }
        }
        this.rows = episodeStart[episodes];
        this.observations = new double[rows * observationSize];
        this.actions = new double[rows * actionSize];
        this.rewards = new double[rows];
        this.time = new int[rows];
        e = 0;
        for (Share s : shares) {
            for (int i = 0; i < s.len.length; i++, e++) {
                int r0 = episodeStart[e];
                int length = s.len[i];
                System.arraycopy(s.obs[i], 0, observations, r0 * observationSize, length * observationSize);
                System.arraycopy(s.act[i], 0, actions, r0 * actionSize, length * actionSize);
                System.arraycopy(s.rew[i], 0, rewards, r0, length);
                for (int t = 0; t < length; t++) {
                    time[r0 + t] = t;
                }
            }
        }
    }

    /**
     * Runs one episode in each environment, side by side, on the calling thread: what
     * {@link #of} makes of a single {@link #run} of all of them.
     *
     * @param seed the run's seed
     * @param update the update's number, from 1: with the seed, it picks every episode's stream
     */
    static EpisodeBatch collect(GaussianPolicy policy, Environment[] envs, long seed, long update) {
        return of(policy, List.of(run(policy, envs, 0, envs.length, seed, update)));
    }

    /** The batch of the shares' episodes, in the order of the shares. */
    static EpisodeBatch of(GaussianPolicy policy, List<Share> shares) {
        return new EpisodeBatch(policy.observationSize(), policy.actionSize(), shares);
    }

    /** The steps of episodes {@code [from, to)} of a batch, one array per episode. */
    static final class Share {
        final double[][] obs;
        final double[][] act;
        final double[][] rew;
        final int[] len;

        Share(int n) {
            obs = new double[n][];
            act = new double[n][];
            rew = new double[n][];
            len = new int[n];
        }
    }

    /**
     * Runs episodes {@code [from, to)} of the batch side by side, in {@code envs[from..to)}: each
     * time step asks the policy once for the actions of all episodes still running. Episode e
     * takes everything random from its own stream, {@link Seeds#episode}(seed, update, e): first
     * its start seed, then its action noise, row by row, so its steps are the same whichever
     * episodes share its forward passes and whichever thread runs it.
     */
    static Share run(GaussianPolicy policy, Environment[] envs, int from, int to, long seed, long update) {
        int n = to - from;
        int os = policy.observationSize();
        int as = policy.actionSize();
        int maxSteps = envs[from].maxEpisodeSteps();
        Share out = new Share(n);
        double[][] obs = out.obs;
        double[][] act = out.act;
        double[][] rew = out.rew;
        int[] len = out.len;
        RandomGenerator[] streams = new RandomGenerator[n];
        double[][] current = new double[n][];
        boolean[] running = new boolean[n];
        for (int e = 0; e < n; e++) {
            streams[e] = Seeds.episode(seed, update, from + e);
            current[e] = envs[from + e].reset(streams[e].nextLong());
            running[e] = true;
            obs[e] = new double[maxSteps * os];
            act[e] = new double[maxSteps * as];
            rew[e] = new double[maxSteps];
        }
        int active = n;
        int[] index = new int[n];
        Sampler sampler = null;
        while (active > 0) {
            double[] x = new double[active * os];
            RandomGenerator[] noise = new RandomGenerator[active];
            for (int e = 0, j = 0; e < n; e++) {
                if (running[e]) {
                    System.arraycopy(current[e], 0, x, j * os, os);
                    noise[j] = streams[e];
                    index[j++] = e;
                }
            }
            double[] a;
            if (maxSteps >= Sampler.MIN_STEPS) {
                if (sampler == null || sampler.rows != active) {
                    sampler = new Sampler(policy, active);
                }
                a = sampler.sample(x, noise);
            } else {
                a = policy.sample(Tensor.of(x, active, os), noise).toArray();
            }
            for (int j = 0; j < active; j++) {
                int e = index[j];
                double[] action = Arrays.copyOfRange(a, j * as, (j + 1) * as);
                for (double v : action) {
                    if (!Double.isFinite(v)) {
                        throw new TrainingDivergedException(update, "the policy sampled the action "
                                + Arrays.toString(action) + " for observation "
                                + Arrays.toString(current[e]) + " (episode " + (from + e) + ", step " + len[e]
                                + "); its parameters hold a NaN or infinity");
                    }
                }
                StepResult r = envs[from + e].step(action);
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
        return out;
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

    /**
     * {@link GaussianPolicy#sample(Tensor, RandomGenerator[])} for a fixed number of rows,
     * recorded once on a tape and compiled, so that each of an episode's many steps runs the
     * forward kernels on buffers made once instead of dispatching and allocating op by op. The
     * program is the recorded computation itself, so its actions equal the eager ones bit for bit.
     * A share makes one per update (the parameters change between updates) and per row count.
     */
    static final class Sampler {
        /** Episodes shorter than this step too few times to repay the compilation. */
        static final int MIN_STEPS = 16;
        final int rows;
        private final int actionSize;
        private final Tensor observations;
        private final Tensor noise;
        private final Tensor action;
        private final CompiledStep step;

        Sampler(GaussianPolicy policy, int rows) {
            this.rows = rows;
            this.actionSize = policy.actionSize();
            observations = Tensor.zeros(rows, policy.observationSize());
            noise = Tensor.zeros(rows, actionSize);
            try (GradientTape tape = new GradientTape()) {
                tape.watch(observations);
                tape.watch(noise);
                GaussianPolicy.Distribution d = policy.distribution(observations);
                action = d.mean().add(d.std().mul(noise));
                step = tape.compile(action.sum(), Parameter.variables(policy.parameters()),
                        List.of(observations, noise));
            }
        }

        /** The actions for observations {@code x} (rows x observationSize), row i's noise from rowNoise[i]. */
        double[] sample(double[] x, RandomGenerator[] rowNoise) {
            double[] xi = new double[rows * actionSize];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < actionSize; j++) {
                    xi[i * actionSize + j] = rowNoise[i].nextGaussian();
                }
            }
            step.start().set(observations, Tensor.of(x, observations.shape()))
                    .set(noise, Tensor.of(xi, noise.shape()));
            return step.value(action).toArray();
        }
    }
}
