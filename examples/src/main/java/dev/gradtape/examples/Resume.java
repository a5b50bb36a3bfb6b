package dev.gradtape.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --resume DIR}: continuing a stopped run in its own folder. Every check is made before
 * anything in the folder changes, and a folder that cannot be resumed is one line and exit code
 * 2: missing, not a gradtape run folder, a run of another command, a run that finished or is
 * still going, a missing, truncated or corrupt state file or log, or a command line whose options
 * differ from the run's (it names them). The options not given take the run's values, as with
 * {@code --config}.
 */
final class Resume {
    /** The training state in a run folder: everything the next update depends on. */
    static final String STATE = "state.safetensors";
    /** The state file's metadata key of the run's configuration, {@link #configuration}. */
    static final String CONFIGURATION = "run_configuration";
    /** Options that say where, how fast or how visibly a run goes, not what it computes. */
    static final Set<String> NOT_COMPARED = Set.of("--out", "--force", "--quiet", "--config", "--resume",
            "--threads");

    /** The longest CSV row a run writes is about 250 bytes; a longer one is not a run's. */
    static final int MAX_LINE = 4096;

    private Resume() {
    }

    /**
     * The options that decide a run's numbers, each as text (the seed, the episodes, ...): what
     * the state file records and a resume must match.
     */
    static Map<String, String> configuration(CommandSpec spec) {
        Map<String, String> c = new LinkedHashMap<>();
        for (OptionSpec o : spec.options()) {
            if (!o.usageHelp() && !o.versionHelp() && !NOT_COMPARED.contains(o.longestName())) {
                c.put(o.longestName(), String.valueOf((Object) o.getValue()));
            }
        }
        return c;
    }

    /** {@link #configuration} as one line of text, for the state file's metadata. */
    static String configurationText(CommandSpec spec) {
        List<String> parts = new ArrayList<>();
        configuration(spec).forEach((k, v) -> parts.add(k + " " + v));
        return String.join(" ", parts);
    }

    /**
     * Checks that {@code dir} holds a run of this command that can be continued, and returns its
     * record.
     *
     * @throws UsageException one line naming the folder and the problem
     */
    static Map<String, Object> check(CommandSpec spec, Path dir, Path out, Path config) {
        if (out != null || config != null) {
            throw fail(spec, dir, "--resume continues the run in its own folder with its own options;"
                    + " drop " + (out != null ? "--out" : "--config"));
        }
        if (!Files.exists(dir)) {
            throw fail(spec, dir, "no such folder");
        }
        if (!Files.isDirectory(dir)) {
            throw fail(spec, dir, "it is a file, not a run folder");
        }
        Path recordFile = dir.resolve(RunFolder.RECORD);
        if (!Files.isRegularFile(recordFile)) {
            throw fail(spec, dir, "it is not a gradtape run folder (it has no " + RunFolder.RECORD + ")");
        }
        long size;
        try {
            size = Files.size(recordFile);
        } catch (IOException e) {
            throw fail(spec, dir, "cannot read its " + RunFolder.RECORD + " (" + e.getClass().getSimpleName() + ")");
        }
        Map<String, Object> record = size > JsonText.MAX_CHARS ? null : RunFolder.readRecord(dir).orElse(null);
        if (record == null || !RunFolder.FORMAT.equals(record.get("format"))
                || !(record.get("options") instanceof Map)) {
            throw fail(spec, dir, "its " + RunFolder.RECORD + " is not the record of a gradtape run"
                    + " (unreadable, cut short, or without \"format\": \"" + RunFolder.FORMAT + "\" and options)");
        }
        if (!spec.name().equals(record.get("command"))) {
            throw fail(spec, dir, "it holds a run of '" + record.get("command") + "', not of '" + spec.name()
                    + "'; continue it with gradtape " + record.get("command") + " --resume " + dir);
        }
        Object status = record.get("status");
        if ("finished".equals(status)) {
            throw fail(spec, dir, "its run has finished; there is nothing to continue (start a new run with"
                    + " --config " + recordFile + ")");
        }
        if (RunFolder.isAlive(record)) {
            throw fail(spec, dir, "it is in use by a run of process " + record.get("pid") + " (status running)");
        }
        if (!Files.isRegularFile(dir.resolve(STATE))) {
            throw fail(spec, dir, "it has no " + STATE + " (the run was stopped or killed before its first"
                    + " checkpoint); start it again with --config " + recordFile);
        }
        return record;
    }

    /**
     * Checks that this command line's configuration is the one the state file recorded.
     *
     * @throws UsageException naming every option that differs, with both values
     */
    static void compare(CommandSpec spec, Path dir, String saved) {
        String now = configurationText(spec);
        if (saved == null) {
            throw fail(spec, dir, STATE + " records no configuration; it is corrupt");
        }
        if (saved.equals(now)) {
            return;
        }
        Map<String, String> was = parse(saved);
        List<String> diffs = new ArrayList<>();
        configuration(spec).forEach((k, v) -> {
            if (!v.equals(was.get(k))) {
                diffs.add(k + " " + v + " (the run has " + (was.containsKey(k) ? was.get(k) : "no " + k) + ")");
            }
        });
        if (diffs.isEmpty()) {
            diffs.add("the recorded configuration '" + saved + "'");
        }
        throw fail(spec, dir, "this command line differs from the run's configuration: " + String.join(", ", diffs)
                + "; drop those options to continue the run as it was");
    }

    /** Reads "--a 1 --b x" back; values hold no spaces. */
    private static Map<String, String> parse(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        String[] w = text.split(" ");
        for (int i = 0; i + 1 < w.length; i += 2) {
            m.put(w[i], w[i + 1]);
        }
        return m;
    }

    /**
     * Checks, reading only, that {@code csv} starts with {@code header} and holds at least
     * {@code rows} complete rows, so that {@link CsvLog#cutBack} can cut it to them.
     */
    static void checkLog(CommandSpec spec, Path dir, String name, String header, long rows) {
        Path csv = dir.resolve(name);
        byte[] expected = (header + "\n").getBytes(StandardCharsets.UTF_8);
        try (var bytes = new java.io.BufferedInputStream(Files.newInputStream(csv), 1 << 16)) {
            byte[] first = bytes.readNBytes(expected.length);
            if (!java.util.Arrays.equals(expected, first)) {
                throw fail(spec, dir, name + " does not start with the header '" + header + "'; it is corrupt");
            }
            long complete = 1;
            long lineLength = 0;
            for (int b = bytes.read(); b >= 0 && complete <= rows; b = bytes.read()) {
                if (b == '\n') {
                    complete++;
                    lineLength = 0;
                } else if (++lineLength > MAX_LINE) {
                    throw fail(spec, dir, name + " has a row longer than " + MAX_LINE + " bytes, which no run"
                            + " writes; it is corrupt");
                }
            }
            if (complete - 1 < rows) {
                throw fail(spec, dir, name + " holds " + Math.max(0, complete - 1) + " complete rows but the"
                        + " checkpoint covers " + rows + "; it is truncated");
            }
        } catch (IOException e) {
            throw fail(spec, dir, "cannot read " + name + " (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")");
        }
    }

    /**
     * Restores {@code reinforce} from the folder's state file after checking that this command
     * line's configuration is the one it records; returns the file's metadata.
     *
     * @throws UsageException one line if the file is missing, truncated, corrupt or of another run
     */
    static Map<String, String> restore(CommandSpec spec, Path dir, dev.gradtape.rl.Reinforce reinforce) {
        Path file = dir.resolve(STATE);
        try {
            Map<String, String> metadata = dev.gradtape.nn.SafeTensors.readContents(file).metadata();
            compare(spec, dir, metadata.get(CONFIGURATION));
            return reinforce.restoreState(file);
        } catch (dev.gradtape.nn.CheckpointException | java.io.UncheckedIOException e) {
            throw fail(spec, dir, STATE + " cannot be used: " + e.getMessage());
        }
    }

    /**
     * Hands the fields of the first {@code rows} rows of {@code name} (checked by {@link #checkLog})
     * to {@code row}, reading only; a row that does not parse is a one-line error.
     */
    static void readLog(CommandSpec spec, Path dir, String name, long rows,
            java.util.function.Consumer<String[]> row) {
        try (var lines = Files.lines(dir.resolve(name), StandardCharsets.UTF_8)) {
            lines.skip(1).limit(rows).forEach(line -> row.accept(line.split(",", -1)));
        } catch (IOException | java.io.UncheckedIOException e) {
            throw fail(spec, dir, "cannot read " + name + " (" + e.getClass().getSimpleName() + ")");
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            throw fail(spec, dir, name + " holds a row that is not numbers in its columns (" + e.getMessage()
                    + "); it is corrupt");
        }
    }

    /** A whole number from the state file's metadata, or a one-line error. */
    static long number(CommandSpec spec, Path dir, Map<String, String> metadata, String key) {
        try {
            return Long.parseLong(String.valueOf(metadata.get(key)));
        } catch (NumberFormatException e) {
            throw fail(spec, dir, STATE + " records '" + key + "' as " + metadata.get(key) + "; it is corrupt");
        }
    }

    /** A double saved exactly (as {@link Double#toHexString}) in the state file's metadata. */
    static double exact(CommandSpec spec, Path dir, Map<String, String> metadata, String key) {
        try {
            return Double.parseDouble(String.valueOf(metadata.get(key)));
        } catch (NumberFormatException e) {
            throw fail(spec, dir, STATE + " records '" + key + "' as " + metadata.get(key) + "; it is corrupt");
        }
    }

    static UsageException fail(CommandSpec spec, Path dir, String problem) {
        return UsageException.withoutUsage(spec, "cannot resume " + dir + ": " + problem);
    }
}
