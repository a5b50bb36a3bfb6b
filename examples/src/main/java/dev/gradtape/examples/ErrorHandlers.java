package dev.gradtape.examples;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * How the launcher reports failures. A command-line mistake prints one line naming the command and
 * the problem, then that command's usage, and exits with {@link #USAGE}; a failure while running
 * prints one line and exits with {@link #FAILURE}. Neither prints a stack trace: the message is
 * written for the person at the terminal.
 */
final class ErrorHandlers {
    /** Exit code of a command-line mistake (as picocli's default and the BSD sysexits usage). */
    static final int USAGE = 2;
    /** Exit code of a failure while running (I/O error, training that diverged). */
    static final int FAILURE = 1;

    private ErrorHandlers() {
    }

    /**
     * Prints {@code gradtape <command>: <problem>} and (unless the mistake is a file that cannot
     * be used) the command's usage to stderr.
     */
    static int onUsageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + oneLine(ex.getMessage()));
        if (!(ex instanceof UsageException u) || u.showUsage()) {
            cmd.usage(err, cmd.getColorScheme());
        }
        err.flush();
        return USAGE;
    }

    /**
     * Prints {@code gradtape <command>: failed: <reason>} to stderr, and where the run's results
     * are when it had a run folder.
     */
    static int onFailure(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        String reason = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        String note = cmd.getCommand() instanceof RunCommand run ? run.endNote() : "";
        err.println(cmd.getCommandSpec().qualifiedName() + ": failed: " + oneLine(reason)
                + (note.isEmpty() ? "" : "; " + note));
        err.flush();
        return FAILURE;
    }

    private static String oneLine(String message) {
        return message == null ? "invalid input" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
