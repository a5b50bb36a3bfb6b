package dev.gradtape.rl;

import dev.gradtape.nn.ReLU;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
    static final long[] EVAL_SEEDS = PendulumRecipe.evalSeeds();

    private PendulumBenchmark() {
    }

    /** The reference policy: 3 -> 64 -> 64 -> mu, state-independent log-std 0. */
    static GaussianPolicy policy(long seed) {
        return PendulumRecipe.policy(seed);
    }

    /** The reference settings for a run of {@code episodes} episodes. */
    static Reinforce trainer(long seed, long episodes) {
        return PendulumRecipe.trainer(policy(seed), PendulumRecipe.policyOptimizer(episodes), seed, episodes);
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
