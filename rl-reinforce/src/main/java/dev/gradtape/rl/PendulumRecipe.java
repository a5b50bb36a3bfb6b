package dev.gradtape.rl;

import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.Layer;
import dev.gradtape.nn.LearningRateSchedule;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import java.util.SplittableRandom;

/**
 * The reference settings for Pendulum, those of the PyTorch program
 * {@code shared/peers/torch_pendulum_reinforce.py}: what plain REINFORCE needs to learn a
 * multi-step task. Used by the {@code gradtape pendulum} command and the Pendulum benchmark.
 * <ul>
 *   <li>policy: ReLU 64-64 body (orthogonal init, gain sqrt 2), mean head gain 0.01, a
 *       state-independent log-std starting at std 1, observations scaled by (1, 1, 1/8);</li>
 *   <li>returns: gamma 0.95, reward-to-go, 16 episodes per update, advantages normalised per
 *       batch;</li>
 *   <li>baseline: a 64-64 value network with a time feature, fitted to (1 - gamma) G for 5 epochs
 *       of minibatches of 256 after each update;</li>
 *   <li>optimisers: Adam (epsilon 1e-8), policy lr 3e-3 and value lr 1e-3, both decayed linearly
 *       to 0 over the run.</li>
 * </ul>
 */
public final class PendulumRecipe {
    /** Episodes per update. */
    public static final int EPISODES_PER_UPDATE = 16;
    /** The discount factor. */
    public static final double GAMMA = 0.95;
    private static final long[] EVAL_SEEDS = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009};

    private PendulumRecipe() {
    }

    /**
     * Start seeds of the evaluation episodes (mean action, 10 episodes): 1000 to 1009.
     *
     * @return a new array of the ten seeds
     */
    public static long[] evalSeeds() {
        return EVAL_SEEDS.clone();
    }

    /**
     * The policy: 3 -> 64 -> 64 -> mu, with a state-independent sigma.
     *
     * @param seed the seed of the initial weights
     * @return a new policy
     */
    public static GaussianPolicy policy(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return GaussianPolicy.builder()
                .setBody(GaussianPolicy.reluBody(3, new int[] {64, 64}, rng), 3, 64)
                .setActionSize(1)
                .optMuKernelInit(new OrthogonalInitializer(0.01))
                .optStateIndependentSigma(1.0)
                .optObservationScale(1.0, 1.0, 1.0 / Pendulum.MAX_SPEED)
                .build(rng);
    }

    /**
     * The trainer for a run of {@code episodes} episodes (the learning rates decay over it).
     *
     * @param policy the policy to train
     * @param policyAdam the policy's optimiser, from {@link #policyOptimizer(long)}
     * @param seed the seed of the environments and of the action noise
     * @param episodes the length of the run, over which the learning rates decay
     * @return a trainer that has not trained yet
     */
    public static Reinforce trainer(GaussianPolicy policy, Adam policyAdam, long seed, long episodes) {
        return trainer(policy, policyAdam, seed, episodes, 1);
    }

    /**
     * {@link #trainer(GaussianPolicy, Adam, long, long)} collecting each batch on {@code threads}
     * threads (the same results for any count; close the trainer when done).
     *
     * @param policy the policy to train
     * @param policyAdam the policy's optimiser, from {@link #policyOptimizer(long)}
     * @param seed the seed of the environments and of the action noise
     * @param episodes the length of the run, over which the learning rates decay
     * @param threads the threads that collect the episodes, at least 1
     * @return a trainer that has not trained yet
     */
    public static Reinforce trainer(GaussianPolicy policy, Adam policyAdam, long seed, long episodes,
            int threads) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
        long updates = updates(episodes);
        int minibatchesPerUpdate = (EPISODES_PER_UPDATE * Pendulum.MAX_STEPS + 255) / 256;
        Layer value = new Sequential(
                new Dense(4, 64, new OrthogonalInitializer(Math.sqrt(2)), Initializers.zeros(), rng), new ReLU(),
                new Dense(64, 64, new OrthogonalInitializer(Math.sqrt(2)), Initializers.zeros(), rng), new ReLU(),
                new Dense(64, 1, new OrthogonalInitializer(1.0), Initializers.zeros(), rng));
        Adam valueAdam = Adam.builder().epsilon(1e-8)
                .schedule(LearningRateSchedule.linearDecay(1e-3, 0, updates * 5 * minibatchesPerUpdate))
                .build();
        ReinforceSettings settings = ReinforceSettings.builder()
                .setOptimizer(policyAdam)
                .optEpisodesPerUpdate(EPISODES_PER_UPDATE)
                .optDiscount(GAMMA)
                .optRewardToGo(true)
                .optBaseline(new Baseline.ValueNetwork(value, valueAdam, 5, 256, true, 1 - GAMMA))
                .optNormalizeAdvantages(true)
                .optSeed(seed)
                .optThreads(threads)
                .build();
        return new Reinforce(policy, Pendulum::new, settings);
    }

    /**
     * The policy's optimiser for a run of {@code episodes} episodes.
     *
     * @param episodes the length of the run, over which the learning rate decays
     * @return a new Adam
     */
    public static Adam policyOptimizer(long episodes) {
        return Adam.builder().epsilon(1e-8)
                .schedule(LearningRateSchedule.linearDecay(3e-3, 0, updates(episodes))).build();
    }

    private static long updates(long episodes) {
        return (episodes + EPISODES_PER_UPDATE - 1) / EPISODES_PER_UPDATE;
    }
}
