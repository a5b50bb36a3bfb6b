package dev.gradtape.examples;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Checkpoint;
import dev.gradtape.rl.Baseline;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.LogDensity;
import dev.gradtape.rl.Reinforce;
import dev.gradtape.rl.ReinforceSettings;
import dev.gradtape.rl.TargetGame;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Runs {@code gradtape article}: trains, logs every 100 episodes, and writes metrics.csv,
 * article.png and the actor's checkpoint into the run folder.
 */
final class ArticleRun {
    /** The CSV header; the first six columns are the article's printout. */
    static final String[] COLUMNS = {"episode", "mu", "sigma", "action", "reward", "loss"};
    /** The actor's checkpoint: its parameters and Adam's state, in safetensors format. */
    static final String CHECKPOINT = "actor.safetensors";
    /** Episodes between printed lines, as in the article. */
    static final int PRINT_EVERY = 100;
    /** The summary's window: the mean reward of the last this many episodes. */
    static final int LAST = 1000;

    private ArticleRun() {
    }

    /** The article's one state, a constant input of shape (1, 1). */
    static final Tensor STATE = Tensor.of(new double[] {1.0}, 1, 1);

    /** The baseline behind {@code --baseline}. */
    static Baseline baseline(ArticleCommand.BaselineChoice choice) {
        return choice == ArticleCommand.BaselineChoice.MEAN
                ? Baseline.exponentialMean(BASELINE_RATE) : Baseline.none();
    }

    /**
     * The rate of the running-mean baseline, b <- b + 0.01 (R - b): the mean over roughly the last
     * 100 rewards. A mean over all rewards lags far behind once the agent finds the target and
     * keeps rewarding every action; see docs/policy-gradients-in-three-lines.md.
     */
    static final double BASELINE_RATE = 0.01;

    static int run(ArticleCommand s, RunFolder folder) throws IOException {
        PrintWriter out = s.stdout();
        GaussianPolicy policy = GaussianPolicy.article(s.seed);
        Adam adam = new Adam(s.learningRate);
        ReinforceSettings settings = ReinforceSettings.article().setOptimizer(adam)
                .optLogDensity(s.loss == ArticleCommand.LossChoice.ARTICLE ? LogDensity.ARTICLE : LogDensity.EXACT)
                .optBaseline(baseline(s.baseline)).optSeed(s.seed).build();
        Reinforce reinforce = new Reinforce(policy, () -> new TargetGame(s.maxReward, s.target, s.range),
                settings);
        out.printf(Locale.ROOT, "article: %d episodes, seed %d, target %s, range %s, max reward %s,"
                + " lr %s, loss %s, baseline %s%n", s.episodes, s.seed, s.target, s.range, s.maxReward,
                s.learningRate, s.loss, s.baseline);
        CsvTable table = new CsvTable(COLUMNS);
        try (Progress progress = Progress.start("article", s.episodes, "episodes", s.quiet)) {
            reinforce.train(s.episodes, m -> {
                long episode = m.update() - 1; // one episode per update, counted from 0 as the article
                table.add(episode, m.mu(), m.sigma(), m.action(), m.reward(), m.loss());
                if (episode % PRINT_EVERY == 0) {
                    progress.println(out, String.format(Locale.ROOT,
                            "episode %5d  mu %8.4f  sigma %7.4f  action %8.4f  reward %6.4f  loss %9.4f",
                            episode, m.mu(), m.sigma(), m.action(), m.reward(), m.loss() + 0.0)); // + 0.0: no "-0.0000"
                }
                progress.step();
            });
        }
        folder.writeText("metrics.csv", table.toCsv());
        folder.write("article.png", plot(table, s).png());
        Checkpoint.save(folder.resolve(CHECKPOINT), policy, adam);
        GaussianPolicy.Distribution d = policy.distribution(STATE);
        out.println(summary(d.mean().item(), d.std().item(), table, s.target, s.range));
        out.println("Run folder: " + folder.path() + " (metrics.csv, article.png, " + CHECKPOINT + ")");
        out.flush();
        return 0;
    }

    /** The one-line summary. */
    static String summary(double mu, double sigma, CsvTable table, double target, double range) {
        double[] rewards = table.column("reward");
        int n = Math.min(LAST, rewards.length);
        double sum = 0;
        for (int i = rewards.length - n; i < rewards.length; i++) {
            sum += rewards[i];
        }
        double distance = Math.abs(mu - target);
        return String.format(Locale.ROOT, "Final: mu %.4f, sigma %.4f, mean reward of the last %d"
                + " episodes %.4f; mu is %s the target range (|mu - %s| = %.4f %s %s)", mu, sigma, n,
                sum / n, distance <= range ? "within" : "NOT within", target, distance,
                distance <= range ? "<=" : ">", range);
    }

    /** The article's figure: mu, sigma, reward (mean of 100) and the target against the episode. */
    static LinePlot plot(CsvTable table, ArticleCommand s) {
        double[] episode = table.column("episode");
        return new LinePlot(String.format(Locale.ROOT, "Gaussian actor on the target game (seed %d,"
                + " baseline %s, loss %s)", s.seed, s.baseline, s.loss), "episode", "value", 900, 560)
                .line("mu", episode, table.column("mu"), new Color(31, 119, 180))
                .line("sigma", episode, table.column("sigma"), new Color(255, 127, 14))
                .line("reward (mean of last 100)", episode, movingMean(table.column("reward"), 100),
                        new Color(44, 160, 44))
                .level("target", episode, s.target, new Color(214, 39, 40))
                .level("target range", episode, s.target + s.range, new Color(240, 160, 160))
                .level("target - range", episode, s.target - s.range, new Color(240, 160, 160), false);
    }

    /** out[i] = mean of v[max(0, i - w + 1) .. i]. */
    static double[] movingMean(double[] v, int w) {
        double[] out = new double[v.length];
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            sum += v[i];
            if (i >= w) {
                sum -= v[i - w];
            }
            out[i] = sum / Math.min(i + 1, w);
        }
        return out;
    }
}
