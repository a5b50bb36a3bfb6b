package dev.gradtape.rl;

import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.LearningRateSchedule;
import dev.gradtape.nn.Module;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * REINFORCE on Pendulum-v1 with the settings of the PyTorch reference
 * ({@code shared/peers/torch_pendulum_reinforce.py}): ReLU 64-64 policy and value networks
 * (orthogonal init, gain sqrt(2), mean head gain 0.01), a state-independent log-std starting at
 * std 1, observations scaled by (1, 1, 1/8), gamma 0.95, reward-to-go, a value baseline with the
 * time feature fitted to (1 - gamma) G over 5 epochs of minibatch 256, per-batch advantage
 * normalisation, 16 episodes per update, Adam with policy lr 3e-3 and value lr 1e-3 both decayed
 * linearly to 0 over the run. Evaluation: the mean action over 10 episodes from start seeds
 * 1000-1009, every ~250 episodes. Not part of the test suite; run its {@code main} (arguments:
 * first seed, number of seeds, episodes; default 0 5 5000).
 */
public final class PendulumBenchmark {
    /** Wall time on a shared machine depends on the other load; the thread's CPU time does not. */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    static final long[] EVAL_SEEDS = {1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009};
    static final int EPISODES_PER_UPDATE = 16;
    static final double GAMMA = 0.95;

    private PendulumBenchmark() {
    }

    /** The reference policy: 3 -> 64 -> 64 -> mu, state-independent log-std 0. */
    static GaussianPolicy policy(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return GaussianPolicy.builder()
                .setBody(GaussianPolicy.reluBody(3, new int[] {64, 64}, rng), 3, 64)
                .setActionSize(1)
                .optMuKernelInit(new OrthogonalInitializer(0.01))
                .optStateIndependentSigma(1.0)
                .optObservationScale(1.0, 1.0, 1.0 / Pendulum.MAX_SPEED)
                .build(rng);
    }

    /** The reference settings for a run of {@code episodes} episodes. */
    static Reinforce trainer(long seed, long episodes) {
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5eedL);
        long updates = (episodes + EPISODES_PER_UPDATE - 1) / EPISODES_PER_UPDATE;
        int minibatchesPerUpdate = (EPISODES_PER_UPDATE * Pendulum.MAX_STEPS + 255) / 256;
        Module value = new Sequential(
                new Dense(4, 64, new OrthogonalInitializer(Math.sqrt(2)), Initializers.zeros(), rng), new ReLU(),
                new Dense(64, 64, new OrthogonalInitializer(Math.sqrt(2)), Initializers.zeros(), rng), new ReLU(),
                new Dense(64, 1, new OrthogonalInitializer(1.0), Initializers.zeros(), rng));
        Adam valueAdam = Adam.builder().epsilon(1e-8)
                .schedule(LearningRateSchedule.linearDecay(1e-3, 0, updates * 5 * minibatchesPerUpdate)).build();
        Adam policyAdam = Adam.builder().epsilon(1e-8)
                .schedule(LearningRateSchedule.linearDecay(3e-3, 0, updates)).build();
        ReinforceSettings settings = ReinforceSettings.builder()
                .setOptimizer(policyAdam)
                .optEpisodesPerUpdate(EPISODES_PER_UPDATE)
                .optDiscount(GAMMA)
                .optRewardToGo(true)
                .optBaseline(new Baseline.ValueNetwork(value, valueAdam, 5, 256, true, 1 - GAMMA))
                .optNormalizeAdvantages(true)
                .optSeed(seed)
                .build();
        return new Reinforce(policy(seed), Pendulum::new, settings);
    }

    /**
     * Trains the seeds one after another and prints the evaluation curve of each.
     *
     * @param args [first seed [number of seeds [episodes]]]
     */
    public static void main(String[] args) {
        long first = args.length > 0 ? Long.parseLong(args[0]) : 0;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long episodes = args.length > 2 ? Long.parseLong(args[2]) : 5000;
        List<String> summary = new ArrayList<>();
        for (long seed = first; seed < first + seeds; seed++) {
            Reinforce r = trainer(seed, episodes);
            double ev = r.evaluate(EVAL_SEEDS);
            System.out.printf(Locale.ROOT, "seed=%d episodes=0 seconds=0.0 eval_return=%.1f%n", seed, ev);
            long t0 = System.nanoTime();
            long cpu0 = CPU.getCurrentThreadCpuTime();
            long nextEval = 250;
            long firstAbove = -1;
            double best = Double.NEGATIVE_INFINITY;
            while (r.episodes() < episodes) {
                UpdateMetrics m = r.update();
                if (r.episodes() >= nextEval || r.episodes() >= episodes) {
                    nextEval += 250;
                    ev = r.evaluate(EVAL_SEEDS);
                    best = Math.max(best, ev);
                    if (firstAbove < 0 && ev > -400) {
                        firstAbove = r.episodes();
                    }
                    System.out.printf(Locale.ROOT, "seed=%d episodes=%d seconds=%.1f cpu_seconds=%.1f eval_return=%.1f"
                            + " train_return=%.1f std=%.3f value_loss=%.4f lr=%.2e%n", seed, r.episodes(),
                            (System.nanoTime() - t0) / 1e9, (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9, ev, m.episodeReturn(), m.sigma(), m.valueLoss(),
                            m.learningRate());
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = (CPU.getCurrentThreadCpuTime() - cpu0) / 1e9;
            String line = String.format(Locale.ROOT, "RESULT seed=%d episodes=%d seconds=%.1f cpu_seconds=%.1f"
                    + " final_eval=%.1f best_eval=%.1f first_above_-400=%s", seed, r.episodes(), seconds,
                    cpuSeconds, ev, best,
                    firstAbove < 0 ? "never" : Long.toString(firstAbove));
            System.out.println(line);
            summary.add(line);
        }
        summary.forEach(System.out::println);
    }
}
