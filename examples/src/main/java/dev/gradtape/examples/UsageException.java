package dev.gradtape.examples;

import picocli.CommandLine;

/**
 * A mistake on the command line found after parsing (a negative episode count, an output folder
 * that exists or cannot be written): reported like a parse error, as one line, the usage, and exit
 * code 2.
 */
final class UsageException extends CommandLine.ParameterException {
    private static final long serialVersionUID = 1L;

    UsageException(CommandLine.Model.CommandSpec spec, String message) {
        super(spec.commandLine(), message);
    }
}
