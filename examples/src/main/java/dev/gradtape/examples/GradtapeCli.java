package dev.gradtape.examples;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.examples.bench.BenchCommand;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code gradtape} launcher: {@code java -jar examples/target/gradtape.jar <command>}.
 *
 * <p>Commands: {@code tour} (autodiff step by step), {@code article} (the showcase: the
 * article's Gaussian actor on the one-shot target game), {@code pendulum} (a Gaussian policy
 * on Pendulum) and {@code play} (a saved pendulum policy, evaluated and filmed); {@code bench} (the performance workloads) is registered here by its own class.
 * Each has {@code --help}.
 *
 * <p>Exit codes: 0 on success, 1 when a run fails, 2 for a command-line mistake (printed as one
 * line and the usage, never a stack trace), a file given on the command line that cannot be used
 * ({@code play --policy} of the wrong shape; one line) or a bad {@code -Dgradtape.threads} (one
 * line).
 */
@Command(name = "gradtape", mixinStandardHelpOptions = true, version = "gradtape " + GradtapeCli.VERSION,
        description = "Automatic differentiation on a gradient tape, and policy gradients built on it.",
        subcommands = {TourCommand.class, ArticleCommand.class, PendulumCommand.class,
            PlayCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class GradtapeCli implements Runnable {
    /** The version of gradtape, as {@code --version} prints it and {@code run.json} records it. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    @Spec
    CommandSpec spec;

    /** Instances are made by picocli. */
    public GradtapeCli() {
    }

    @Override
    public void run() {
        throw new UsageException(spec, "missing a command; choose one of: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** Runs the launcher and exits with its exit code. */
    public static void main(String[] args) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // plots are files, never windows
        }
        System.exit(execute(System.out, System.err, args));
    }

    /**
     * Runs the launcher with the given streams and returns its exit code, without exiting: what
     * {@link #main} does, and what tests call.
     */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = commandLine();
        // --config supplies default values to the parse itself, so it is read before parsing
        // so does --resume: the options not given take the run's values, as with --config
        RunConfig.find(args).or(() -> RunConfig.findResumed(args))
                .ifPresent(file -> cli.setDefaultValueProvider(RunConfig.read(file)));
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        cli.setOut(o);
        cli.setErr(e);
        try {
            return cli.execute(args);
        } finally {
            o.flush();
            e.flush();
        }
    }

    /** The command line with its subcommands and error handling, ready to {@code execute}. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new GradtapeCli());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler(ErrorHandlers::onUsageError);
        cli.setExecutionExceptionHandler(ErrorHandlers::onFailure);
        cli.setExecutionStrategy(GradtapeCli::executeParsed);
        return cli;
    }

    /**
     * Runs the command picocli parsed, as its {@code RunLast} strategy does, after checking what
     * the JVM was started with (a bad {@code -Dgradtape.threads} is one line and exit code 2; the
     * engine would otherwise fail on its first matrix product with an
     * {@code ExceptionInInitializerError}) and the {@code --config} file, if any. A command that
     * opened a run folder has its run ended here: finished on exit code 0, failed otherwise.
     */
    private static int executeParsed(CommandLine.ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        List<CommandLine> chain = parsed.asCommandLineList();
        CommandLine command = chain.get(chain.size() - 1);
        try {
            ComputeSettings.threadsProperty();
        } catch (IllegalArgumentException e) {
            command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
            command.getErr().flush();
            return ErrorHandlers.USAGE;
        }
        RunCommand run = command.getCommand() instanceof RunCommand r ? r : null;
        if (run != null && run.config != null && command.getDefaultValueProvider() instanceof RunConfig config) {
            try {
                config.check(command.getCommandSpec());
            } catch (IllegalArgumentException e) {
                throw new UsageException(command.getCommandSpec(), e.getMessage());
            }
            Object path = config.recorded("matmul_path");
            if (path != null && !path.equals(ComputeSettings.current().matmulPath())) {
                command.getErr().println(command.getCommandSpec().qualifiedName() + ": note: the recorded run"
                        + " took the " + path + " matrix path and this one takes the " + ComputeSettings.current().matmulPath()
                        + " path; their results agree to round-off, not bit for bit");
            }
        }
        int code;
        try {
            code = new CommandLine.RunLast().execute(parsed);
        } catch (RuntimeException | Error e) {
            if (run != null) {
                Throwable cause = e instanceof CommandLine.ExecutionException && e.getCause() != null ? e.getCause() : e;
                run.endRun(RunFolder.Status.FAILED, cause.getMessage() != null ? cause.getMessage()
                        : cause.getClass().getName());
            }
            throw e;
        }
        if (run != null) {
            String note = run.endRun(code == 0 ? RunFolder.Status.FINISHED : RunFolder.Status.FAILED,
                    code == 0 ? null : "the command ended with exit code " + code);
            if (code == 0 && !note.isEmpty()) { // it finished, but its results are not where they should be
                command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + note);
                command.getErr().flush();
                return ErrorHandlers.FAILURE;
            }
        }
        return code;
    }
}
