package dev.gradtape.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: repeats a run from its {@code run.json}. Every option of the recorded
 * command that is not given on the command line takes the recorded value, through picocli's
 * default values, so it is converted and checked exactly as if typed; options given on the
 * command line win. Where the results go and how they are shown ({@code --out}, {@code --force},
 * {@code --quiet}) are not repeated.
 */
final class RunConfig implements CommandLine.IDefaultValueProvider {
    /** Options that say where and how a run reports, not what it computes. */
    static final Set<String> NOT_REPEATED = Set.of("--out", "--force", "--quiet", "--config", "--resume");

    /** The file's name as given, for messages. */
    private final String file;
    private final Map<String, Object> record;
    private final String problem;

    private RunConfig(String file, Map<String, Object> record, String problem) {
        this.file = file;
        this.record = record;
        this.problem = problem;
    }

    /**
     * The value of {@code --config} in {@code args} (before any {@code --}), if given: looked up
     * before parsing, since the file supplies default values to the parse itself.
     */
    static Optional<String> find(String[] args) {
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals("--config") && i + 1 < args.length) {
                return Optional.of(args[i + 1]);
            }
            if (args[i].startsWith("--config=")) {
                return Optional.of(args[i].substring("--config=".length()));
            }
        }
        return Optional.empty();
    }

    /**
     * The record of the run that {@code --resume DIR} in {@code args} continues, {@code DIR/run.json},
     * if that option is given: its options are the defaults of the resumed command line.
     */
    static Optional<String> findResumed(String[] args) {
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            String dir = args[i].equals("--resume") && i + 1 < args.length ? args[i + 1]
                    : args[i].startsWith("--resume=") ? args[i].substring("--resume=".length()) : null;
            if (dir != null) {
                return Optional.of(dir + java.io.File.separator + RunFolder.RECORD);
            }
        }
        return Optional.empty();
    }

    /** Reads {@code name}; a file that cannot be used is reported later, by {@link #check}. */
    @SuppressWarnings("unchecked")
    static RunConfig read(String name) {
        Path file;
        try {
            file = Path.of(name);
        } catch (java.nio.file.InvalidPathException e) {
            return new RunConfig(name, Map.of(), "it is not a file name (" + e.getReason() + ")");
        }
        try {
            if (Files.size(file) > JsonText.MAX_CHARS) {
                return new RunConfig(name, Map.of(), "it is larger than a run.json can be");
            }
            Object v = JsonText.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(v instanceof Map<?, ?> m) || !RunFolder.FORMAT.equals(m.get("format"))
                    || !(m.get("command") instanceof String) || !(m.get("options") instanceof Map)) {
                return new RunConfig(name, Map.of(), "it is not the run.json of a gradtape run (no \"format\": \""
                        + RunFolder.FORMAT + "\" with a command and its options)");
            }
            return new RunConfig(name, (Map<String, Object>) m, null);
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new RunConfig(name, Map.of(), "cannot read it: " + why);
        }
    }

    /** The recorded command's name, e.g. {@code article}. */
    String command() {
        return String.valueOf(record.get("command"));
    }

    /** What the recorded run computed on, e.g. {@code plain} or {@code vector}, or null. */
    Object recorded(String field) {
        return record.get(field);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> options() {
        return (Map<String, Object>) record.getOrDefault("options", Map.of());
    }

    /**
     * Checks that the file can repeat a run of {@code command}: it was read, records a run of the
     * same command, and names only options that command has.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    void check(CommandSpec command) {
        String what = "invalid value for option '--config': " + file + ": ";
        if (problem != null) {
            throw new IllegalArgumentException(what + problem);
        }
        if (!command().equals(command.name())) {
            throw new IllegalArgumentException(what + "it records a run of '" + command() + "', not of '"
                    + command.name() + "'; repeat it with gradtape " + command() + " --config " + file);
        }
        for (String name : options().keySet()) {
            if (command.findOption(name) == null) {
                throw new IllegalArgumentException(what + "it sets " + name + ", which gradtape "
                        + command.name() + " does not have");
            }
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (problem != null || !(arg instanceof OptionSpec o) || !arg.command().name().equals(command())
                || NOT_REPEATED.contains(o.longestName())) {
            return null;
        }
        Object v = options().get(o.longestName());
        return v == null ? null : v.toString(); // a number as the text recorded, so nothing is rounded
    }
}
