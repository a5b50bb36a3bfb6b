package dev.gradtape.rl;

import java.util.Locale;

/**
 * The article's numerical example over many seeds: 10,001 one-step episodes of the target game
 * with the article's actor and Adam (lr 0.001): without a baseline (the article), with the plain
 * running mean of all rewards so far, and with an exponential running mean (rate 0.01), the
 * first and last also with the exact log-density, and without a baseline but with a sigma floor
 * of 0.05; it prints the share of runs that end with
 * {@code |mu - 4| < 0.25} and {@code sigma < 0.25}. Not part of the test suite; run
 * its {@code main} (arguments: seeds, default 20; episodes, default 10001).
 */
public final class ArticleBenchmark {
    private ArticleBenchmark() {
    }

    /** The end state of one run. */
    record Outcome(double mu, double sigma, double lastRewardMean) {
        boolean success() {
            return Math.abs(mu - 4.0) < 0.25 && sigma < 0.25;
        }
    }

    /** Trains the article's setup with the given baseline and returns mu, sigma and late reward. */
    static Outcome run(long seed, Baseline baseline, long episodes) {
        return run(seed, baseline, LogDensity.ARTICLE, episodes);
    }

    /** As {@link #run(long, Baseline, long)} with a choice of log-density in the loss. */
    static Outcome run(long seed, Baseline baseline, LogDensity logDensity, long episodes) {
        return run(seed, baseline, logDensity, 0.0, episodes);
    }

    /** As {@link #run(long, Baseline, LogDensity, long)} with a floor added to sigma. */
    static Outcome run(long seed, Baseline baseline, LogDensity logDensity, double sigmaFloor, long episodes) {
        GaussianPolicy policy = GaussianPolicy.article(seed, GaussianPolicy.ARTICLE_SIGMA_BIAS, sigmaFloor);
        ReinforceSettings settings = ReinforceSettings.article().optBaseline(baseline)
                .optLogDensity(logDensity).optSeed(seed).build();
        Reinforce reinforce = new Reinforce(policy, TargetGame::new, settings);
        double[] lateReward = new double[2];
        long lateFrom = Math.max(0, episodes - 1000);
        reinforce.train(episodes, m -> {
            if (m.episodes() > lateFrom) {
                lateReward[0] += m.reward();
                lateReward[1]++;
            }
        });
        GaussianPolicy.Distribution d = policy.distribution(dev.gradtape.autodiff.Tensor.of(new double[] {1.0}, 1, 1));
        return new Outcome(d.mean().item(), d.std().item(), lateReward[0] / lateReward[1]);
    }

    /**
     * Runs the comparison and prints one line per run and a summary per baseline.
     *
     * @param args [seeds [episodes]]
     */
    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long episodes = args.length > 1 ? Long.parseLong(args[1]) : 10_001;
        String[] names = {"no baseline (article)", "running mean of all rewards",
            "exponential running mean, rate 0.01", "no baseline, exact log-density",
            "exponential running mean 0.01, exact log-density", "no baseline, sigma floor 0.05"};
        Baseline[] baselines = {Baseline.none(), Baseline.runningMean(), Baseline.exponentialMean(0.01),
            Baseline.none(), Baseline.exponentialMean(0.01), Baseline.none()};
        LogDensity[] densities = {LogDensity.ARTICLE, LogDensity.ARTICLE, LogDensity.ARTICLE,
            LogDensity.EXACT, LogDensity.EXACT, LogDensity.ARTICLE};
        double[] floors = {0, 0, 0, 0, 0, 0.05};
        for (int k = 0; k < names.length; k++) {
            String name = names[k];
            int ok = 0;
            double rewardSum = 0;
            long t0 = System.nanoTime();
            for (long seed = 1; seed <= seeds; seed++) {
                Outcome o = run(seed, baselines[k], densities[k], floors[k], episodes);
                ok += o.success() ? 1 : 0;
                rewardSum += o.lastRewardMean();
                System.out.printf(Locale.ROOT, "%s seed=%d mu=%.4f sigma=%.4f last1000_reward=%.4f %s%n",
                        name, seed, o.mu(), o.sigma(), o.lastRewardMean(), o.success() ? "OK" : "MISS");
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "SUMMARY %s: %d/%d runs with |mu-4|<0.25 and sigma<0.25;"
                    + " mean reward over the last 1000 episodes %.3f; %.1f s for %d runs of %d episodes%n",
                    name, ok, seeds, rewardSum / seeds, seconds, seeds, episodes);
        }
    }
}
