package dev.gradtape.examples;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Parameter;
import dev.gradtape.rl.PolicyCheckpoint;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.PendulumRecipe;
import dev.gradtape.rl.Reinforce;
import dev.gradtape.rl.UpdateMetrics;
import java.awt.Color;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gradtape pendulum}: a Gaussian policy learns to swing up and hold a pendulum. */
@Command(name = "pendulum", mixinStandardHelpOptions = true,
        header = "A Gaussian policy learns to swing up Pendulum with REINFORCE.", sortOptions = false,
        description = {"Trains a Gaussian policy on Pendulum (Pendulum-v1 dynamics, 200 steps per"
                + " episode) with REINFORCE and the rl module's reference settings: reward-to-go,"
                + " a learned value baseline, normalised advantages, 16 episodes per update. Writes"
                + " learning-curve.csv, updates.csv, pendulum.png, policy.safetensors (with the"
                + " policy's architecture, for play), pendulum.gif (the trained policy swinging up from"
                + " four fixed start states) and state.safetensors (the training state, saved at every"
                + " evaluation and on Ctrl-C or SIGTERM, for --resume), and reports the evaluation return (mean action, 10 episodes from fixed start seeds; higher is"
                + " better; a policy that swings up and holds the pendulum scores about -200 or more)."})
final class PendulumCommand extends RunCommand implements Callable<Integer> {
    /** The CSV header of the learning curve. */
    static final String[] CURVE = {"episodes", "eval_return", "train_return", "sigma", "seconds"};
    /** The checkpoint of the policy and its optimiser. */
    static final String CHECKPOINT = "policy.safetensors";
    /** The learning curve, a row per evaluation, written as the run goes. */
    static final String LEARNING_CURVE = "learning-curve.csv";
    /** The metrics of every update, written as the run goes. */
    static final String UPDATES = "updates.csv";

    @Option(names = "--episodes", paramLabel = "N", defaultValue = "3000",
            description = "Training episodes (rounded up to whole updates of 16); default ${DEFAULT-VALUE}.")
    int episodes;

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0",
            description = "Seed of the weights, the action noise and the start states; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "250",
            description = "Evaluate after about every N episodes; default ${DEFAULT-VALUE}.")
    int evalEvery;

    @Option(names = "--threads", paramLabel = "N",
            description = "Threads for the episodes of a batch (each a contiguous share, the same results for"
                    + " any count) and for the matrix products; default the number of processors.")
    Integer threads;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the stopped run in DIR (its options, unless given here: they must be the"
                    + " same). The state is saved at every evaluation and when Ctrl-C or SIGTERM stops the run;"
                    + " the continued run gives the same files as one never stopped.")
    Path resume;

    /** The learning curve's running sums between evaluations, and when the next one is due. */
    private double returnSum;
    private double sigmaSum;
    private long count;
    private long nextEval;
    private double eval;
    private double secondsBefore;

    @Override
    public Integer call() throws Exception {
        require(episodes >= 1, "--episodes", "must be at least 1, got " + episodes);
        require(evalEvery >= 1, "--eval-every", "must be at least 1, got " + evalEvery);
        int n = threads(threads);
        try (ComputeSettings.Scope compute = ComputeSettings.current().withThreads(n).apply()) {
            return train(n);
        }
    }

    private int train(int n) throws Exception {
        GaussianPolicy policy = PendulumRecipe.policy(seed);
        Adam adam = PendulumRecipe.policyOptimizer(episodes);
        try (Reinforce reinforce = PendulumRecipe.trainer(policy, adam, seed, episodes, n)) {
            if (resume == null) {
                RunFolder folder = openRunFolder("pendulum-seed" + seed);
                try (CsvLog curve = CsvLog.create(folder.resolve(LEARNING_CURVE), CURVE);
                        CsvLog updates = CsvLog.create(folder.resolve(UPDATES), UpdateMetrics.CSV_HEADER.split(","))) {
                    return train(folder, policy, adam, reinforce, curve, updates,
                            new PlotSample(2, 2 * LinePlot.MAX_POINTS), new PlotSample(2, 2 * LinePlot.MAX_POINTS));
                }
            }
            return resume(policy, adam, reinforce);
        }
    }

    /** Checks the folder and the state, restores them, and goes on where the run stopped. */
    private int resume(GaussianPolicy policy, Adam adam, Reinforce reinforce) throws Exception {
        Map<String, Object> record = Resume.check(spec, resume, out, config);
        Map<String, String> m = Resume.restore(spec, resume, reinforce);
        long curveRows = Resume.number(spec, resume, m, "rows_learning_curve");
        long updateRows = Resume.number(spec, resume, m, "rows_updates");
        if (updateRows != reinforce.updates()) {
            throw Resume.fail(spec, resume, Resume.STATE + " says " + UPDATES + " has " + updateRows
                    + " rows after " + reinforce.updates() + " updates; it is corrupt");
        }
        returnSum = Resume.exact(spec, resume, m, "return_sum");
        sigmaSum = Resume.exact(spec, resume, m, "sigma_sum");
        count = Resume.number(spec, resume, m, "count");
        nextEval = Resume.number(spec, resume, m, "next_eval");
        eval = Resume.exact(spec, resume, m, "eval");
        secondsBefore = Resume.exact(spec, resume, m, "seconds");
        Resume.checkLog(spec, resume, LEARNING_CURVE, String.join(",", CURVE), curveRows);
        Resume.checkLog(spec, resume, UPDATES, UpdateMetrics.CSV_HEADER, updateRows);
        // the plot's samples are the curve's own rows: read again, they are as they were
        PlotSample evalPoints = new PlotSample(2, 2 * LinePlot.MAX_POINTS);
        PlotSample trainPoints = new PlotSample(2, 2 * LinePlot.MAX_POINTS);
        Resume.readLog(spec, resume, LEARNING_CURVE, curveRows, f -> {
            double e = Double.parseDouble(f[0]);
            evalPoints.add(e, Double.parseDouble(f[1]));
            if (e > 0) {
                trainPoints.add(e, Double.parseDouble(f[2]));
            }
        });
        // everything checked: from here on the folder changes
        RunFolder folder = resumeRunFolder(resume, record);
        CsvLog.cutBack(folder.resolve(LEARNING_CURVE), curveRows);
        CsvLog.cutBack(folder.resolve(UPDATES), updateRows);
        try (CsvLog curve = CsvLog.reopen(folder.resolve(LEARNING_CURVE), CURVE);
                CsvLog updates = CsvLog.reopen(folder.resolve(UPDATES), UpdateMetrics.CSV_HEADER.split(","))) {
            return train(folder, policy, adam, reinforce, curve, updates, evalPoints, trainPoints);
        }
    }

    private int train(RunFolder folder, GaussianPolicy policy, Adam adam, Reinforce reinforce, CsvLog curve,
            CsvLog updates, PlotSample evalPoints, PlotSample trainPoints) throws Exception {
        PrintWriter out = stdout();
        out.printf(Locale.ROOT, "pendulum: %d episodes, seed %d, %d episodes per update%s%n", episodes, seed,
                PendulumRecipe.EPISODES_PER_UPDATE, resume == null ? ""
                        : ", continued after " + reinforce.episodes() + " episodes");
        // The CSVs are written as the run goes and the plot keeps a sample, so memory does not
        // grow with the number of episodes.
        StopRequest stop = new StopRequest();
        stopWith(stop);
        try (Progress progress = Progress.start("pendulum", episodes, "episodes", quiet)) {
            long t0 = System.nanoTime() - (long) (secondsBefore * 1e9);
            if (reinforce.updates() == 0) {
                eval = reinforce.evaluate(PendulumRecipe.evalSeeds());
                curve.add(0L, eval, Double.NaN, Double.NaN, 0.0);
                evalPoints.add(0, eval);
                nextEval = evalEvery;
            }
            progress.stepTo(Math.min(episodes, reinforce.episodes()));
            while (reinforce.episodes() < episodes) {
                UpdateMetrics m = reinforce.update();
                updates.addLine(m.toCsv());
                returnSum += m.episodeReturn();
                sigmaSum += m.sigma();
                count++;
                progress.stepTo(Math.min(episodes, m.episodes()));
                boolean evaluated = false;
                if (m.episodes() >= nextEval || m.episodes() >= episodes) {
                    nextEval = (m.episodes() / evalEvery + 1) * evalEvery;
                    eval = reinforce.evaluate(PendulumRecipe.evalSeeds());
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    curve.add(m.episodes(), eval, returnSum / count, sigmaSum / count, seconds);
                    evalPoints.add(m.episodes(), eval);
                    trainPoints.add(m.episodes(), returnSum / count);
                    progress.println(out, String.format(Locale.ROOT, "episodes %5d  eval return %8.1f"
                            + "  train return %8.1f  sigma %6.3f  %6.1f s", m.episodes(), eval,
                            returnSum / count, sigmaSum / count, seconds));
                    returnSum = 0;
                    sigmaSum = 0;
                    count = 0;
                    evaluated = true;
                }
                if (evaluated || stop.requested() && !folder.replacing()) {
                    saveState(folder, reinforce, curve, updates, (System.nanoTime() - t0) / 1e9);
                }
                if (stop.requested() && reinforce.episodes() < episodes) {
                    stderr().println(endStopped(reinforce.episodes()));
                    stderr().flush();
                    stop.done();
                    return 128 + 15;
                }
            }
        } finally {
            stop.done();
        }
        curve.flush();
        updates.flush();
        // The plot and the film are independent: with two or more threads the film is made on a
        // second one while this one draws the plot and saves the policy.
        CompletableFuture<byte[]> film = filmAside(policy);
        folder.write("pendulum.png", plot(evalPoints, trainPoints).png());
        PolicyCheckpoint.save(folder.resolve(CHECKPOINT), policy, adam);
        folder.write(PendulumAnimation.FILE, film == null ? PendulumAnimation.render(policy) : joined(film));
        long[] seeds = PendulumRecipe.evalSeeds();
        out.printf(Locale.ROOT, "Evaluation return after %d episodes: %.1f (mean action, %d episodes from"
                + " start seeds %d-%d)%n", reinforce.episodes(), eval, seeds.length,
                seeds[0], seeds[seeds.length - 1]);
        out.println("Run folder: " + folder.path() + " (" + RunFolder.RECORD + ", " + LEARNING_CURVE + ", "
                + UPDATES + ", pendulum.png, " + CHECKPOINT + ", " + PendulumAnimation.FILE + ", " + Resume.STATE + ")");
        out.flush();
        return 0;
    }

    /**
     * Saves the training state with what the learning curve needs to go on (its running sums,
     * doubles as exact hexadecimal text) and how many rows each log holds, the logs flushed first.
     */
    /** The policy's film, being made on a daemon thread of its own; null if this run has one thread. */
    private static CompletableFuture<byte[]> filmAside(GaussianPolicy policy) {
        ComputeSettings settings = ComputeSettings.current();
        if (settings.threads() < 2) {
            return null;
        }
        for (Parameter p : policy.parameters()) {
            p.value(); // each value's tensor is made here, before the other thread reads it
        }
        ComputeSettings serial = settings.withThreads(1);
        return CompletableFuture.supplyAsync(() -> {
            try (ComputeSettings.Scope s = serial.apply()) {
                return PendulumAnimation.render(policy);
            }
        }, task -> {
            Thread t = new Thread(task, "gradtape-film");
            t.setDaemon(true);
            t.start();
        });
    }

    /** The film, or what went wrong in making it, thrown as it was thrown. */
    private static byte[] joined(CompletableFuture<byte[]> film) {
        try {
            return film.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private void saveState(RunFolder folder, Reinforce reinforce, CsvLog curve, CsvLog updates, double seconds)
            throws java.io.IOException {
        curve.flush();
        updates.flush();
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Resume.CONFIGURATION, Resume.configurationText(spec));
        m.put("rows_learning_curve", Long.toString(curve.rowCount()));
        m.put("rows_updates", Long.toString(updates.rowCount()));
        m.put("return_sum", Double.toHexString(returnSum));
        m.put("sigma_sum", Double.toHexString(sigmaSum));
        m.put("count", Long.toString(count));
        m.put("next_eval", Long.toString(nextEval));
        m.put("eval", Double.toHexString(eval));
        m.put("seconds", Double.toHexString(seconds));
        reinforce.saveState(folder.resolve(Resume.STATE), m);
    }

    private static LinePlot plot(PlotSample eval, PlotSample train) {
        return new LinePlot("REINFORCE on Pendulum: return per episode (higher is better)", "episode",
                "return", 900, 560)
                .line("evaluation (mean action)", eval.column(0), eval.column(1), new Color(31, 119, 180))
                .line("training (sampled actions)", train.column(0), train.column(1), new Color(255, 127, 14));
    }
}
