package dev.gradtape.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The folder a command writes its results into, and the one lifecycle every run follows in it.
 *
 * <ul>
 *   <li><b>A record.</b> {@code run.json} is written when the run begins, with status
 *       {@code running}, and rewritten when it ends: {@code finished}, {@code failed} (with the
 *       error) or {@code stopped} (SIGINT or SIGTERM). A run killed outright stays
 *       {@code running}, with the {@code pid} of a process that no longer exists.</li>
 *   <li><b>Nothing saved is overwritten by accident.</b> A folder with anything in it is written
 *       only with {@code --force}, never while the run recorded in it is still going, and never
 *       if it is not a run folder (no {@code run.json}, and files no run writes: {@code --out
 *       . --force} must not replace a project).</li>
 *   <li><b>{@code --force} replaces a folder whole or not at all.</b> The new run is built in a
 *       hidden sibling, {@code .<name>.<pid>.new}, and swapped in (two renames) only when it
 *       finishes; a run that fails or is stopped is removed and the old folder stays as it was.
 *       A new run into a missing or empty folder writes in place, so that a stopped or killed
 *       run leaves its files (and later its checkpoints) where a resume will look.</li>
 *   <li><b>Files land whole.</b> Results are written to a temporary file beside their final name
 *       and renamed over it. The logs that grow during a run ({@link CsvLog}) are written in whole
 *       lines, and a resumed run cuts them back to its checkpoint.</li>
 *   <li><b>Temporary files never outlive their run, nor block the next.</b> A temporary name holds
 *       the process id ({@code .metrics.csv.<pid>-<n>.tmp}); a run removes its own when it ends,
 *       and opening a folder removes those of processes that no longer run (and ignores them when
 *       it decides whether the folder is empty), as it does stale {@code .new} and {@code .old}
 *       siblings, finishing a swap that a kill interrupted.</li>
 * </ul>
 */
final class RunFolder {
    /** The run's record, in every run folder. */
    static final String RECORD = "run.json";
    /** The {@code format} of a run record. */
    static final String FORMAT = "gradtape-run";

    /** Where a run stands; {@code run.json} spells it in lower case. */
    enum Status {
        /** Begun and not ended (or killed outright: then its pid is gone). */
        RUNNING,
        /** Ended early by SIGINT or SIGTERM. */
        STOPPED,
        /** Ran to its end. */
        FINISHED,
        /** Ended by an error, recorded in {@code run.json}. */
        FAILED;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.([0-9]+)-[0-9]+\\.tmp");
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Path dir;
    /** Where files are written: {@link #dir}, or the hidden sibling a forced run is built in. */
    private final Path work;
    /** True if {@link #open} made the folder, so a run that wrote nothing may take it away. */
    private final boolean created;
    private Map<String, Object> record;
    private Status status;
    private Thread stopHook;
    /** What the stop hook does before it records the run as stopped: let the loop save its state. */
    private volatile Runnable beforeStop;

    private RunFolder(Path dir, Path work, boolean created) {
        this.dir = dir;
        this.work = work;
        this.created = created;
    }

    /**
     * Opens {@code dir} for a run, creating it (and its parents) when missing, after clearing
     * what dead runs left there (temporary files, an interrupted swap).
     *
     * @param force true to replace a folder that already holds files (whole, when the run
     *     finishes)
     * @throws IllegalArgumentException with a message for the user when the folder exists and
     *     {@code force} is false, is in use by a running process, is a file, or cannot be created
     *     or written
     */
    static RunFolder open(Path dir, boolean force) {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new IllegalArgumentException("the output folder " + dir + " is a file, not a folder;"
                    + " choose another --out");
        }
        try {
            clearLeftovers(d);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot clear what an earlier run left beside the output"
                    + " folder " + dir + " (" + describe(e) + "); choose another --out");
        }
        boolean existed = Files.isDirectory(d);
        boolean empty = !existed || isEmpty(d);
        if (!empty) {
            Optional<Map<String, Object>> previous = readRecord(d);
            Optional<String> foreign = previous.isPresent() ? Optional.empty() : foreignFile(d);
            if (foreign.isPresent()) {
                throw new IllegalArgumentException("the output folder " + dir + " is not a run folder (it"
                        + " holds " + foreign.get() + ", which no gradtape run writes, and no " + RECORD
                        + "), so it is never replaced, even with --force; choose another --out");
            }
            if (previous.isPresent() && isAlive(previous.get())) {
                throw new IllegalArgumentException("the output folder " + dir + " is in use by a run of"
                        + " process " + previous.get().get("pid") + " (status running); wait for it or"
                        + " choose another --out");
            }
            if (!force) {
                throw new IllegalArgumentException("the output folder " + dir + " already exists and is"
                        + " not empty" + previous.map(r -> " (it holds a run with status "
                                + r.get("status") + ")").orElse("")
                        + "; pass --force to replace it or choose another --out");
            }
        }
        Path work = empty ? d : sibling(d, ProcessHandle.current().pid(), "new");
        try {
            Files.createDirectories(d.getParent());
            Files.createDirectories(work);
            Path probe = temporarySibling(work.resolve("write-test"));
            Files.write(probe, new byte[0], StandardOpenOption.CREATE_NEW);
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("cannot write to the output folder " + dir + " ("
                    + describe(e) + "); choose another --out");
        }
        return new RunFolder(d, work, !existed);
    }

    /**
     * A folder under {@code parent} named {@code base}, or {@code base-2}, {@code base-3}, ...:
     * the first name not taken yet, so default output folders never collide with earlier runs.
     */
    static Path fresh(Path parent, String base) {
        Path p = parent.resolve(base);
        for (int i = 2; Files.exists(p); i++) {
            p = parent.resolve(base + "-" + i);
        }
        return p;
    }

    /**
     * Opens a new folder under {@code parent}, named as {@link #fresh} would, and claims it by
     * creating it (an atomic step), so that two runs started at once never share a folder.
     *
     * @throws IllegalArgumentException with a message for the user when it cannot be created
     */
    static RunFolder openNew(Path parent, String base) {
        Path p = fresh(parent.toAbsolutePath().normalize(), base);
        try {
            Files.createDirectories(p.getParent());
            while (true) {
                try {
                    Files.createDirectory(p);
                    break;
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    p = fresh(p.getParent(), base); // another run took it first
                }
            }
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("cannot create a run folder under " + parent + " ("
                    + describe(e) + "); choose another --out");
        }
        RunFolder f = open(p, false);
        return new RunFolder(f.dir, f.work, true);
    }

    /** The folder (absolute): where the run's files are once it has finished. */
    Path path() {
        return dir;
    }

    /**
     * The path of {@code name} where this run writes it now: inside the folder, or inside the
     * hidden sibling that a forced run is built in until it finishes.
     */
    Path resolve(String name) {
        return work.resolve(name);
    }

    /** True if this run replaces an existing folder when it finishes (it ran with --force). */
    boolean replacing() {
        return !work.equals(dir);
    }

    /** Writes {@code bytes} to {@code name} through a temporary file and a rename. */
    Path write(String name, byte[] bytes) throws IOException {
        Path target = resolve(name);
        Path tmp = temporarySibling(target);
        try {
            Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            moveIntoPlace(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /** Writes {@code text} as UTF-8 to {@code name}, whole or not at all. */
    Path writeText(String name, String text) throws IOException {
        return write(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Begins the run: writes {@code run.json} with the command, status {@code running}, the start
     * time, this process's id and then {@code fields}, and arranges for SIGINT and SIGTERM to
     * record {@code stopped}.
     */
    synchronized void begin(String command, Map<String, Object> fields) throws IOException {
        if (record != null) {
            throw new IllegalStateException("RunFolder.begin: the run in " + dir + " has already begun");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("format", FORMAT);
        r.put("format_version", 1);
        r.put("command", command);
        r.put("status", Status.RUNNING);
        r.put("started", Instant.now().toString());
        r.put("ended", null);
        r.put("pid", ProcessHandle.current().pid());
        r.put("error", null);
        r.putAll(fields);
        start(r);
    }

    /** Writes {@code r} as the running record and arranges for SIGINT and SIGTERM to stop the run. */
    private void start(Map<String, Object> r) throws IOException {
        writeText(RECORD, JsonText.write(r));
        record = r;
        status = Status.RUNNING;
        stopHook = new Thread(() -> {
            Runnable b = beforeStop;
            if (b != null) {
                b.run(); // outside this folder's lock: the loop ends the run itself while the hook waits
            }
            end(Status.STOPPED, STOPPED_BY_SIGNAL);
        }, "gradtape-run-stopped");
        Runtime.getRuntime().addShutdownHook(stopHook);
    }

    /** The error a run stopped by SIGINT or SIGTERM records. */
    static final String STOPPED_BY_SIGNAL = "stopped by a signal before it finished";

    /**
     * Runs {@code action} in the stop hook before the run is recorded as stopped: a training loop
     * asks to stop at its next update boundary and waits until its state is saved.
     */
    void beforeStop(Runnable action) {
        beforeStop = action;
    }

    /**
     * Opens the folder of a stopped run to continue it in place, after clearing what dead runs
     * left there; the caller has checked that it holds a run that can be continued.
     */
    static RunFolder reopen(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        clearLeftovers(d);
        return new RunFolder(d, d, false);
    }

    /**
     * Continues the run recorded in {@code previous}: the same record with status {@code running}
     * again, this process's id, the time of this resumption added to {@code resumed}, and
     * {@code fields} (what this process runs on) replacing the recorded ones.
     */
    synchronized void resume(Map<String, Object> previous, Map<String, Object> fields) throws IOException {
        if (record != null) {
            throw new IllegalStateException("RunFolder.resume: the run in " + dir + " has already begun");
        }
        Map<String, Object> r = new LinkedHashMap<>(previous);
        r.put("status", Status.RUNNING);
        r.put("ended", null);
        r.put("pid", ProcessHandle.current().pid());
        r.put("error", null);
        List<Object> resumed = new java.util.ArrayList<>();
        if (previous.get("resumed") instanceof List<?> l) {
            resumed.addAll(l);
        }
        resumed.add(Instant.now().toString());
        r.put("resumed", resumed);
        r.putAll(fields);
        start(r);
    }

    /** The status of this run: null before {@link #begin}. */
    synchronized Status status() {
        return status;
    }

    /**
     * Ends the run with {@code outcome} (not {@code running}); only the first call counts. Records
     * it and the end time in {@code run.json}, removes this process's temporary files, and for a
     * forced run swaps the new folder in if it finished, else removes it.
     *
     * @param error what went wrong, for {@code failed} (else null)
     * @return a few words for the user about where the results are
     */
    synchronized String end(Status outcome, String error) {
        if (outcome == Status.RUNNING) {
            throw new IllegalArgumentException("RunFolder.end: a run ends stopped, finished or failed");
        }
        if (status != null && status != Status.RUNNING) {
            return "";
        }
        if (stopHook != null && Thread.currentThread() != stopHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook will find the run ended
            }
        }
        status = outcome;
        if (record != null) {
            record.put("status", outcome);
            record.put("ended", Instant.now().toString());
            record.put("error", error);
            try {
                writeText(RECORD, JsonText.write(record));
            } catch (IOException e) {
                // the run's own outcome is what gets reported; the record stays "running"
            }
        }
        removeTemporaryFiles(work, ProcessHandle.current().pid());
        if (replacing()) {
            if (outcome == Status.FINISHED) {
                try {
                    swapIn();
                    return "";
                } catch (IOException e) {
                    // keep the new run where the user can see it, under a name of its own
                    Path kept = fresh(dir.getParent(), dir.getFileName().toString());
                    try {
                        Files.move(work, kept, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException again) {
                        kept = work;
                    }
                    return "the new run could not replace " + dir + " (" + describe(e) + "), which was left"
                            + " as it was; the new run is in " + kept;
                }
            }
            deleteTree(work);
            return "the run folder " + dir + " was left as it was";
        }
        if (created && onlyTheRecord(work)) {
            deleteTree(work); // nothing was written but the record: leave no folder to block a rerun
            return "";
        }
        return record == null || outcome == Status.FINISHED ? ""
                : "the run folder " + dir + " records it (status " + outcome + ")";
    }

    /** Replaces {@link #dir} with {@link #work}: old folder aside, new in place, old removed. */
    private void swapIn() throws IOException {
        Path old = sibling(dir, ProcessHandle.current().pid(), "old");
        Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
        try {
            Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.move(old, dir, StandardCopyOption.ATOMIC_MOVE);
            throw e;
        }
        deleteTree(old);
    }

    /**
     * Clears what dead runs left at {@code d}: their temporary files inside it, and their
     * {@code .new} and {@code .old} siblings. A swap killed between its two renames left the
     * folder missing: the new run goes in if it had finished, else the old folder goes back.
     */
    private static void clearLeftovers(Path d) throws IOException {
        Path parent = d.getParent();
        if (parent != null && Files.isDirectory(parent)) {
            Pattern mine = Pattern.compile(Pattern.quote("." + d.getFileName() + ".") + "([0-9]+)\\.(new|old)");
            List<Path> stale;
            try (Stream<Path> siblings = Files.list(parent)) {
                stale = siblings.filter(p -> {
                    Matcher m = mine.matcher(p.getFileName().toString());
                    return m.matches() && !processRuns(Long.parseLong(m.group(1)));
                }).sorted().toList();
            }
            for (Path p : stale) {
                if (!Files.exists(d) && p.getFileName().toString().endsWith(".new")
                        && readRecord(p).map(r -> "finished".equals(r.get("status"))).orElse(false)) {
                    Files.move(p, d, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            for (Path p : stale) {
                if (!Files.exists(d) && p.getFileName().toString().endsWith(".old") && Files.exists(p)) {
                    Files.move(p, d, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            for (Path p : stale) {
                deleteTree(p);
            }
        }
        if (Files.isDirectory(d)) {
            removeTemporaryFiles(d, -1);
        }
    }

    /** Deletes the temporary files in {@code d} of process {@code pid}, or (-1) of every dead process. */
    private static void removeTemporaryFiles(Path d, long pid) {
        try (Stream<Path> files = Files.list(d)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = TEMPORARY.matcher(p.getFileName().toString());
                if (m.matches()) {
                    long owner = Long.parseLong(m.group(1));
                    if (pid < 0 ? !processRuns(owner) : owner == pid) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: a leftover temporary file blocks nothing (see isEmpty)
        }
    }

    /** True if the run recorded in {@code record} is still going: its process runs and began before it. */
    static boolean isAlive(Map<String, Object> record) {
        if (!"running".equals(record.get("status")) || !(record.get("pid") instanceof JsonText.JsonNumber n)) {
            return false;
        }
        try {
            Optional<ProcessHandle> p = ProcessHandle.of(Long.parseLong(n.text()));
            if (p.isEmpty() || !p.get().isAlive()) {
                return false;
            }
            // a process id is reused: a process that started after the run began is another one
            Optional<Instant> since = p.get().info().startInstant();
            Instant started = Instant.parse(String.valueOf(record.get("started")));
            return since.isEmpty() || !since.get().isAfter(started.plusSeconds(1));
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean processRuns(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The record in folder {@code d}, if it has a readable one. */
    @SuppressWarnings("unchecked")
    static Optional<Map<String, Object>> readRecord(Path d) {
        try {
            Object v = JsonText.parse(Files.readString(d.resolve(RECORD), StandardCharsets.UTF_8));
            return v instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Path sibling(Path d, long pid, String kind) {
        return d.resolveSibling("." + d.getFileName() + "." + pid + "." + kind);
    }

    /**
     * A fresh name beside {@code target} for its temporary file: hidden, unique, holding this
     * process's id, and created with the usual permissions (unlike {@code Files.createTempFile},
     * which makes it private).
     */
    static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + "-" + COUNTER.incrementAndGet() + ".tmp");
    }

    /** Renames {@code tmp} over {@code target}, atomically where the file system can. */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The files the runs of this version write, and of versions before {@code run.json}: a folder
     * with no record is taken for a run folder (which {@code --force} may replace) only if it
     * holds nothing else.
     */
    private static final java.util.Set<String> RUN_FILES = java.util.Set.of("metrics.csv", "article.png",
            "actor.safetensors", "learning-curve.csv", "updates.csv", "pendulum.png", "policy.safetensors",
            "pendulum.gif", Resume.STATE,
            "scalar.dot", "tensor.dot", "scalar.svg", "tensor.svg");

    /** A file or folder in {@code d} that no run writes, if there is one. */
    private static Optional<String> foreignFile(Path d) {
        try (Stream<Path> entries = Files.list(d)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> !RUN_FILES.contains(n) && !TEMPORARY.matcher(n).matches()).sorted().findFirst();
        } catch (IOException e) {
            return Optional.of("files that cannot be listed");
        }
    }

    /** True if {@code d} holds nothing but temporary files. */
    private static boolean isEmpty(Path d) {
        try (Stream<Path> entries = Files.list(d)) {
            return entries.allMatch(p -> TEMPORARY.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onlyTheRecord(Path d) {
        try (Stream<Path> entries = Files.list(d)) {
            return entries.allMatch(p -> p.getFileName().toString().equals(RECORD)
                    || TEMPORARY.matcher(p.getFileName().toString()).matches());
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a stale sibling is cleared by the next run into this folder
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            m = fse.getReason() + ": " + fse.getFile();
        } else if (e instanceof java.nio.file.FileAlreadyExistsException) {
            m = "a file is in the way: " + m;
        }
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
