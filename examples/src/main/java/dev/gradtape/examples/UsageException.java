package dev.gradtape.examples;

import picocli.CommandLine;

/**
 * A mistake on the command line found after parsing (a negative episode count, an output folder
 * that exists or cannot be written): reported like a parse error, as one line, the usage, and exit
 * code 2. A file given on the command line that cannot be used (a policy of the wrong shape) is
 * reported as the one line alone ({@link #withoutUsage}): the usage would not help.
 */
final class UsageException extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    private final boolean showUsage;

    UsageException(CommandLine.Model.CommandSpec spec, String message) {
        this(spec, message, true);
    }

    private UsageException(CommandLine.Model.CommandSpec spec, String message, boolean showUsage) {
        super(spec.commandLine(), message);
        this.showUsage = showUsage;
    }

    /** A mistake reported as one line and exit code 2, without the usage after it. */
    static UsageException withoutUsage(CommandLine.Model.CommandSpec spec, String message) {
        return new UsageException(spec, message, false);
    }

    /** {@return true if the command's usage follows the message} */
    boolean showUsage() {
        return showUsage;
    }
}
