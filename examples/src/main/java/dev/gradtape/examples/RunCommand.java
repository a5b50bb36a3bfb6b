package dev.gradtape.examples;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every command that writes a run folder shares: {@code --out}, {@code --force},
 * {@code --quiet}, and turning a bad folder into a usage error.
 */
abstract class RunCommand {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Run folder to write into (default: a new folder under runs/).")
    Path out;

    @Option(names = "--force", description = "Allow writing into an existing, non-empty run folder.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    /** Opens {@code --out}, or a fresh {@code runs/<defaultName>}; a bad folder is a usage error. */
    final RunFolder openRunFolder(String defaultName) {
        Path dir = out != null ? out : RunFolder.fresh(Path.of("runs"), defaultName);
        try {
            return RunFolder.open(dir, force);
        } catch (IllegalArgumentException e) {
            throw new UsageException(spec, e.getMessage());
        }
    }

    /** Runs {@code body} writing into {@code folder}; if it fails, an unused new folder is removed. */
    final int runIn(RunFolder folder, Callable<Integer> body) throws Exception {
        try {
            return body.call();
        } catch (Exception | Error e) {
            folder.discardIfUnused();
            throw e;
        }
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
