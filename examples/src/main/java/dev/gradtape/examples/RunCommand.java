package dev.gradtape.examples;

import dev.gradtape.autodiff.ComputeSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that writes a run folder shares: {@code --out}, {@code --force},
 * {@code --quiet}, {@code --config}, turning a bad folder into a usage error, and the run's
 * record.
 *
 * <p>A command opens its folder with {@link #openRunFolder}, which begins the run
 * ({@code run.json}, status {@code running}, with every option's value). The launcher ends it
 * when the command returns or throws ({@link #endRun}): finished on exit code 0, failed
 * otherwise. Commands therefore never end a run themselves, and every run ends the same way.
 */
abstract class RunCommand {
    @Spec
    CommandSpec spec;

    /** The most threads {@code --threads} takes: far more than any machine's cores, few enough to start. */
    static final int MAX_THREADS = 1024;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder to write into (default: a new folder under runs/).")
    Path out;

    @Option(names = "--force", description = "Replace an existing, non-empty run folder (whole, once"
            + " the new run finishes; a failed run leaves it as it was).")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--config", paramLabel = "FILE", description = "Repeat a run: every option not"
            + " given here takes its value from FILE, the run.json of an earlier run (all but --out,"
            + " --force and --quiet).")
    Path config;

    private RunFolder folder;
    private String endNote = "";

    /**
     * Opens {@code --out}, or a fresh {@code runs/<defaultName>}, and begins the run in it; a bad
     * folder is a usage error.
     */
    final RunFolder openRunFolder(String defaultName) {
        if (folder != null) {
            throw new IllegalStateException("RunCommand: the run folder is already open: " + folder.path());
        }
        RunFolder f;
        try {
            f = out != null ? RunFolder.open(out, force) : RunFolder.openNew(Path.of("runs"), defaultName);
        } catch (IllegalArgumentException e) {
            throw new UsageException(spec, e.getMessage());
        }
        folder = f;
        try {
            f.begin(spec.name(), record(f));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + f.resolve(RunFolder.RECORD) + ": "
                    + e.getMessage(), e);
        }
        return f;
    }

    /**
     * Continues the stopped run in {@code dir}, which {@link Resume#check} has accepted and
     * whose state has been restored: {@code run.json} says {@code running} again, with this
     * process's id. A run on the other matrix path is noted, since the paths agree to round-off.
     */
    final RunFolder resumeRunFolder(Path dir, Map<String, Object> previous) {
        if (folder != null) {
            throw new IllegalStateException("RunCommand: the run folder is already open: " + folder.path());
        }
        Object path = previous.get("matmul_path");
        if (path != null && !path.equals(ComputeSettings.current().matmulPath())) {
            stderr().println(spec.qualifiedName() + ": note: the run took the " + path + " matrix path and"
                    + " this process takes the " + ComputeSettings.current().matmulPath() + " path; the continued run agrees"
                    + " with an uninterrupted one to round-off, not bit for bit");
            stderr().flush();
        }
        try {
            RunFolder f = RunFolder.reopen(dir);
            folder = f;
            Map<String, Object> now = new LinkedHashMap<>();
            now.put("java_version", System.getProperty("java.version"));
            now.put("matmul_path", ComputeSettings.current().matmulPath());
            now.put("threads", ComputeSettings.current().threads());
            f.resume(previous, now);
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot continue the run in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Has the stop hook call {@code stop} before it records the run as stopped, so that SIGINT
     * or SIGTERM let the training loop save its state at the next update boundary.
     */
    final void stopWith(StopRequest stop) {
        folder.beforeStop(stop::stopAndWait);
    }

    /**
     * Ends the run as stopped by a signal, from the training loop once its state is saved, and
     * returns the line that tells the user how to go on.
     */
    final String endStopped(long episodes) {
        String note = endRun(RunFolder.Status.STOPPED, RunFolder.STOPPED_BY_SIGNAL);
        return spec.qualifiedName() + ": stopped after " + episodes + " episodes" + (folder.replacing()
                ? "; " + note + " (a run that replaces a folder is not kept when stopped)"
                : ", state saved; continue with: gradtape " + spec.name() + " --resume " + folder.path());
    }

    /**
     * What {@code run.json} records about this run besides its status and times: the seed, every
     * option's value (defaults included), the command line as typed, and what it ran on.
     */
    private Map<String, Object> record(RunFolder f) {
        Map<String, Object> options = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (o.usageHelp() || o.versionHelp()) {
                continue;
            }
            Object v = o.longestName().equals("--out") ? f.path() : o.getValue();
            options.put(o.longestName(), v instanceof Number || v instanceof Boolean || v == null ? v : v.toString());
        }
        OptionSpec seed = spec.findOption("--seed");
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("seed", seed == null ? null : seed.getValue());
        r.put("options", options);
        r.put("arguments", List.copyOf(spec.commandLine().getParseResult().originalArgs()));
        r.put("config", config == null ? null : config.toAbsolutePath().normalize().toString());
        r.put("gradtape_version", GradtapeCli.VERSION);
        r.put("java_version", System.getProperty("java.version"));
        r.put("java_vm", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name"));
        r.put("matmul_path", ComputeSettings.current().matmulPath());
        r.put("threads", ComputeSettings.current().threads());
        return r;
    }

    /**
     * Ends the run begun by {@link #openRunFolder}, if one was: called by the launcher once the
     * command has returned or thrown.
     *
     * @return a few words for the user about where the run's results are (empty if none)
     */
    final String endRun(RunFolder.Status outcome, String error) {
        endNote = folder == null ? "" : folder.end(outcome, error);
        return endNote;
    }

    /** What {@link #endRun} said about where the results are (empty before it, or if nothing). */
    final String endNote() {
        return endNote;
    }

    /**
     * The thread count of {@code --threads}, checked: when not given, that of the calling
     * thread's matrix products (the number of processors, or {@code -Dgradtape.threads}). The
     * command applies it to its thread's products ({@code ComputeSettings.withThreads}) and gives it
     * to its rollouts, whose workers run their products serially: one setting governs both, and
     * the two never multiply.
     */
    final int threads(Integer option) {
        int n = option == null ? ComputeSettings.current().threads() : option;
        require(n >= 1 && n <= MAX_THREADS, "--threads", "must be from 1 to " + MAX_THREADS + ", got " + n);
        return n;
    }

    /** Throws a usage error naming {@code option} unless {@code ok}. */
    final void require(boolean ok, String option, String problem) {
        if (!ok) {
            throw new UsageException(spec, "invalid value for option '" + option + "': " + problem);
        }
    }

    /** Standard output of this command line (captured in tests). */
    final PrintWriter stdout() {
        return spec.commandLine().getOut();
    }

    /** Standard error of this command line (captured in tests). */
    final PrintWriter stderr() {
        return spec.commandLine().getErr();
    }
}
