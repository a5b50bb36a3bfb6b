package dev.gradtape.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The folder a command writes its results into. Two promises:
 * <ul>
 *   <li>an existing folder with something in it is never written into unless the user said
 *       {@code --force};</li>
 *   <li>every file lands whole: it is written to a temporary file in the same folder and then
 *       renamed over its final name, so a reader (or a crash) never sees half a file.</li>
 * </ul>
 */
final class RunFolder {
    private final Path dir;
    /** True if {@link #open} made the folder, so a failed run may take it away again. */
    private final boolean created;

    private RunFolder(Path dir, boolean created) {
        this.dir = dir;
        this.created = created;
    }

    /**
     * Opens {@code dir} for writing, creating it (and its parents) when missing.
     *
     * @param force true to allow writing into a folder that already holds files
     * @throws IllegalArgumentException with a message for the user when the folder exists and
     *     {@code force} is false, is a file, or cannot be created or written
     */
    static RunFolder open(Path dir, boolean force) {
        Path d = dir.toAbsolutePath().normalize();
        if (Files.exists(d) && !Files.isDirectory(d)) {
            throw new IllegalArgumentException("the output folder " + dir + " is a file, not a folder;"
                    + " choose another --out");
        }
        if (!force && Files.isDirectory(d) && !isEmpty(d)) {
            throw new IllegalArgumentException("the output folder " + dir + " already exists and is"
                    + " not empty; pass --force to overwrite its files or choose another --out");
        }
        boolean existed = Files.isDirectory(d);
        try {
            Files.createDirectories(d);
            Path probe = Files.createTempFile(d, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new IllegalArgumentException("cannot write to the output folder " + dir + " ("
                    + describe(e) + "); choose another --out");
        }
        return new RunFolder(d, !existed);
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

    /** The folder (absolute). */
    Path path() {
        return dir;
    }

    /** The path of {@code name} inside the folder. */
    Path resolve(String name) {
        return dir.resolve(name);
    }

    /** Writes {@code bytes} to {@code name} through a temporary file and a rename. */
    Path write(String name, byte[] bytes) throws IOException {
        Path target = dir.resolve(name);
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
     * A fresh name beside {@code target} for its temporary file: hidden, unique, and created with
     * the usual permissions (unlike {@code Files.createTempFile}, which makes it private).
     */
    static Path temporarySibling(Path target) {
        return target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid()
                + "-" + COUNTER.incrementAndGet() + ".tmp");
    }

    private static final java.util.concurrent.atomic.AtomicLong COUNTER =
            new java.util.concurrent.atomic.AtomicLong();

    /** Renames {@code tmp} over {@code target}, atomically where the file system can. */
    static void moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Removes the folder if this run created it and nothing was written to it: a run that fails
     * before writing anything leaves no empty folder behind (and blocks no later run).
     */
    void discardIfUnused() {
        if (created && isEmpty(dir)) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                // best effort: the run's own failure is what gets reported
            }
        }
    }

    private static boolean isEmpty(Path d) {
        try (var entries = Files.list(d)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
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
