package dev.gradtape.examples;

import dev.gradtape.autodiff.ComputeSettings;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradtape article}: the showcase. Trains the article's Gaussian actor on its one-shot
 * target game and leaves a CSV, a plot and a checkpoint in the run folder.
 */
@Command(name = "article", mixinStandardHelpOptions = true,
        header = "The showcase: the article's Gaussian actor learns the target game.", sortOptions = false,
        description = {"The showcase: trains the article's Gaussian actor (1 -> 5 -> 5 -> mu, sigma;"
                + " Adam) with REINFORCE on the one-shot game R = range * max-reward / max(range,"
                + " |target - a|). Every 100 episodes it prints mu, sigma, action, reward and loss;"
                + " it writes metrics.csv, article.png and actor.safetensors to the run folder, and"
                + " state.safetensors (the training state, saved every 1,000 episodes and on Ctrl-C or"
                + " SIGTERM) for --resume."})
final class ArticleCommand extends RunCommand implements Callable<Integer> {
    /** The log-density in the loss. */
    enum LossChoice {
        /** The exact log-density, finite everywhere. */
        EXACT,
        /** The article's log(pdf + 1e-5). */
        ARTICLE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What is subtracted from the reward. */
    enum BaselineChoice {
        /** Nothing: the article's recipe. */
        NONE,
        /** The running mean of the rewards seen so far. */
        MEAN;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "10001",
            description = "Episodes (one action and one update each); default ${DEFAULT-VALUE}.")
    int episodes;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "42",
            description = "Seed of the initial weights and of every action drawn; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--target", paramLabel = "TAU", defaultValue = "4.0",
            description = "The target tau the agent must find; default ${DEFAULT-VALUE}.")
    double target;

    @Option(names = "--range", paramLabel = "ZETA", defaultValue = "0.25",
            description = "Full reward within this distance of the target; default ${DEFAULT-VALUE}.")
    double range;

    @Option(names = "--max-reward", paramLabel = "BETA", defaultValue = "1.0",
            description = "The reward inside the target range; default ${DEFAULT-VALUE}.")
    double maxReward;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.001",
            description = "Adam's learning rate; default ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(names = "--loss", paramLabel = "KIND", defaultValue = "exact",
            description = "Log-density in the loss: exact, or article for log(pdf + 1e-5);"
                    + " default ${DEFAULT-VALUE}.")
    LossChoice loss;

    @Option(names = "--baseline", paramLabel = "KIND", defaultValue = "mean",
            description = "Subtract from the reward: none (the article's recipe) or mean (a running"
                    + " mean of the recent rewards, b <- b + 0.01 (R - b), which makes training"
                    + " reliable); default ${DEFAULT-VALUE}.")
    BaselineChoice baseline;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the matrix products (and the episodes of a batch; the article has one"
                    + " per update); default the number of processors.")
    Integer threads;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the stopped run in DIR (its options, unless given here: they must be the"
                    + " same). The state is saved every 1,000 episodes and when Ctrl-C or SIGTERM stops the run;"
                    + " the continued run gives the same files as one never stopped.")
    java.nio.file.Path resume;

    @Override
    public Integer call() throws Exception {
        require(episodes >= 1, "--episodes", "must be at least 1, got " + episodes);
        require(Double.isFinite(target), "--target", "must be a finite number, got " + target);
        require(range > 0 && Double.isFinite(range), "--range", "must be a finite number > 0, got " + range);
        require(maxReward > 0 && Double.isFinite(maxReward), "--max-reward",
                "must be a finite number > 0, got " + maxReward);
        double fullReward = range * maxReward; // the game's numerator: R = range * max-reward / max(range, |target - a|)
        if (!(Double.isFinite(fullReward) && fullReward > 0)) {
            throw new UsageException(spec, "invalid values for options '--range' and '--max-reward': the"
                    + " reward is range * max-reward / max(range, |target - a|), and " + range + " * "
                    + maxReward + " " + (fullReward > 0 ? "overflows to infinity" : "underflows to 0")
                    + "; choose values whose product is a finite number > 0");
        }
        require(learningRate > 0 && Double.isFinite(learningRate), "--lr",
                "must be a finite number > 0, got " + learningRate);
        int n = threads(threads);
        try (ComputeSettings.Scope compute = ComputeSettings.current().withThreads(n).apply()) {
            return ArticleRun.run(this, n);
        }
    }
}
