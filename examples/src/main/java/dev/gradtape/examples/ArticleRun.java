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
import dev.gradtape.rl.UpdateMetrics;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Runs {@code gradtape article}: trains, logs every 100 episodes, streams metrics.csv row by row,
 * and writes article.png and the actor's checkpoint into the run folder, in memory that does not
 * grow with the number of episodes.
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
    /** The plot's window: the reward line is the mean of the last this many episodes. */
    static final int SMOOTHING = 100;
    /** The metrics, one row per episode, written as the run goes. */
    static final String METRICS = "metrics.csv";

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

    /** Episodes between the periodic saves of the training state (and at a stop). */
    static final int SAVE_EVERY = 1000;

    static int run(ArticleCommand s, int threads) throws IOException {
        GaussianPolicy policy = GaussianPolicy.article(s.seed);
        Adam adam = new Adam(s.learningRate);
        ReinforceSettings settings = ReinforceSettings.article().setOptimizer(adam)
                .optLogDensity(s.loss == ArticleCommand.LossChoice.ARTICLE ? LogDensity.ARTICLE : LogDensity.EXACT)
                .optBaseline(baseline(s.baseline)).optSeed(s.seed).optThreads(threads).build();
        try (Reinforce reinforce = new Reinforce(policy, () -> new TargetGame(s.maxReward, s.target, s.range),
                settings)) {
            // Memory stays the same however long the run: the rows go to disk as they come, the plot
            // keeps a sample of them, and the summary the last LAST rewards.
            PlotSample plot = new PlotSample(4, 2 * LinePlot.MAX_POINTS);
            Window smoothed = new Window(SMOOTHING);
            Window last = new Window(LAST);
            if (s.resume == null) {
                RunFolder folder = s.openRunFolder("article-seed" + s.seed);
                try (CsvLog metrics = CsvLog.create(folder.resolve(METRICS), COLUMNS)) {
                    return run(s, folder, policy, adam, reinforce, metrics, plot, smoothed, last);
                }
            }
            Map<String, Object> record = Resume.check(s.spec, s.resume, s.out, s.config);
            Map<String, String> m = Resume.restore(s.spec, s.resume, reinforce);
            long rows = Resume.number(s.spec, s.resume, m, "rows_metrics");
            if (rows != reinforce.updates()) {
                throw Resume.fail(s.spec, s.resume, Resume.STATE + " says " + METRICS + " has " + rows
                        + " rows after " + reinforce.updates() + " episodes; it is corrupt");
            }
            Resume.checkLog(s.spec, s.resume, METRICS, String.join(",", COLUMNS), rows);
            // the plot's sample and the reward windows are the rows' own: read again, they are as they were
            Resume.readLog(s.spec, s.resume, METRICS, rows, f -> {
                double reward = Double.parseDouble(f[4]);
                plot.add(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        smoothed.add(reward));
                last.add(reward);
            });
            // everything checked: from here on the folder changes
            RunFolder folder = s.resumeRunFolder(s.resume, record);
            CsvLog.cutBack(folder.resolve(METRICS), rows);
            try (CsvLog metrics = CsvLog.reopen(folder.resolve(METRICS), COLUMNS)) {
                return run(s, folder, policy, adam, reinforce, metrics, plot, smoothed, last);
            }
        }
    }

    private static int run(ArticleCommand s, RunFolder folder, GaussianPolicy policy, Adam adam, Reinforce reinforce,
            CsvLog metrics, PlotSample plot, Window smoothed, Window last) throws IOException {
        PrintWriter out = s.stdout();
        out.printf(Locale.ROOT, "article: %d episodes, seed %d, target %s, range %s, max reward %s,"
                + " lr %s, loss %s, baseline %s%s%n", s.episodes, s.seed, s.target, s.range, s.maxReward,
                s.learningRate, s.loss, s.baseline, s.resume == null ? ""
                        : ", continued after " + reinforce.episodes() + " episodes");
        StopRequest stop = new StopRequest();
        s.stopWith(stop);
        try (Progress progress = Progress.start("article", s.episodes, "episodes", s.quiet)) {
            progress.stepTo(Math.min(s.episodes, reinforce.episodes()));
            while (reinforce.episodes() < s.episodes) {
                UpdateMetrics m = reinforce.update();
                long episode = m.update() - 1; // one episode per update, counted from 0 as the article
                metrics.add(episode, m.mu(), m.sigma(), m.action(), m.reward(), m.loss());
                plot.add(episode, m.mu(), m.sigma(), smoothed.add(m.reward()));
                last.add(m.reward());
                if (episode % PRINT_EVERY == 0) {
                    progress.println(out, String.format(Locale.ROOT,
                            "episode %5d  mu %8.4f  sigma %7.4f  action %8.4f  reward %6.4f  loss %9.4f",
                            episode, m.mu(), m.sigma(), m.action(), m.reward(), m.loss() + 0.0)); // + 0.0: no "-0.0000"
                }
                progress.step();
                if (m.episodes() % SAVE_EVERY == 0 || stop.requested() && !folder.replacing()) {
                    metrics.flush();
                    Map<String, String> state = new LinkedHashMap<>();
                    state.put(Resume.CONFIGURATION, Resume.configurationText(s.spec));
                    state.put("rows_metrics", Long.toString(metrics.rowCount()));
                    reinforce.saveState(folder.resolve(Resume.STATE), state);
                }
                if (stop.requested() && reinforce.episodes() < s.episodes) {
                    s.stderr().println(s.endStopped(reinforce.episodes()));
                    s.stderr().flush();
                    stop.done();
                    return 128 + 15;
                }
            }
        } finally {
            stop.done();
        }
        metrics.flush();
        folder.write("article.png", plot(plot, s).png());
        Checkpoint.save(folder.resolve(CHECKPOINT), policy, adam);
        GaussianPolicy.Distribution d = policy.distribution(STATE);
        out.println(summary(d.mean().item(), d.std().item(), last.size(), last.mean(), s.target, s.range));
        out.println("Run folder: " + folder.path() + " (" + RunFolder.RECORD + ", " + METRICS + ", article.png, "
                + CHECKPOINT + (reinforce.episodes() >= SAVE_EVERY ? ", " + Resume.STATE : "") + ")");
        out.flush();
        return 0;
    }

    /** The one-line summary, with the mean reward of the last {@code n} episodes. */
    static String summary(double mu, double sigma, int n, double meanReward, double target, double range) {
        double distance = Math.abs(mu - target);
        return String.format(Locale.ROOT, "Final: mu %.4f, sigma %.4f, mean reward of the last %d"
                + " episodes %.4f; mu is %s the target range (|mu - %s| = %.4f %s %s)", mu, sigma, n,
                meanReward, distance <= range ? "within" : "NOT within", target, distance,
                distance <= range ? "<=" : ">", range);
    }

    /** The article's figure: mu, sigma, reward (mean of 100) and the target against the episode. */
    static LinePlot plot(PlotSample sample, ArticleCommand s) {
        double[] episode = sample.column(0);
        // The target lines span the whole run, episode 0 to the number of episodes. (This also
        // keeps XChart's x ticks at round numbers: it puts them on data points, at odd values
        // such as 504 and 1,008, when all x values are evenly spaced, as a thinned sample can be.)
        double[] run = {0, s.episodes};
        return new LinePlot(String.format(Locale.ROOT, "Gaussian actor on the target game (seed %d,"
                + " baseline %s, loss %s)", s.seed, s.baseline, s.loss), "episode", "value", 900, 560)
                .line("mu", episode, sample.column(1), new Color(31, 119, 180))
                .line("sigma", episode, sample.column(2), new Color(255, 127, 14))
                .line("reward (mean of last " + SMOOTHING + ")", episode, sample.column(3), new Color(44, 160, 44))
                .level("target", run, s.target, new Color(214, 39, 40))
                .level("target range", run, s.target + s.range, new Color(240, 160, 160))
                .level("target - range", run, s.target - s.range, new Color(240, 160, 160), false);
    }

    /** The mean of the last {@code capacity} values added, in memory for those values only. */
    static final class Window {
        private final double[] values;
        private int size;
        private int next;
        private double sum;

        Window(int capacity) {
            values = new double[capacity];
        }

        /** Adds {@code v} (dropping the oldest value when full) and returns the mean now. */
        double add(double v) {
            if (size == values.length) {
                sum -= values[next];
            } else {
                size++;
            }
            values[next] = v;
            sum += v;
            next = (next + 1) % values.length;
            return mean();
        }

        int size() {
            return size;
        }

        double mean() {
            return size == 0 ? Double.NaN : sum / size;
        }
    }
}
