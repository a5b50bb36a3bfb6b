package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run folder's one lifecycle: run.json and its status, --force replacing a folder whole or
 * not at all, temporary files and half-done swaps of dead runs cleared, a folder in use refused.
 */
class RunLifecycleTest {
    @TempDir
    Path tmp;

    /** Every file under {@code dir} (relative path to bytes), to compare a folder before and after. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                files.put(dir.relativize(p).toString(), java.util.Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
            }
        }
        return files;
    }

    /** Names in {@code dir} (hidden ones too). */
    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The id of a process that has exited. */
    static long deadPid() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    /** A folder as an earlier article run left it, with a note the user added. */
    private Path oldRun(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(dir.resolve("run.json"), "{\"format\": \"gradtape-run\", \"status\": \"finished\"}\n");
        Files.writeString(dir.resolve("metrics.csv"), "episode,mu\n0,0.5\n");
        Files.write(dir.resolve(ArticleRun.CHECKPOINT), new byte[] {1, 2, 3});
        Files.writeString(dir.resolve("notes.txt"), "mine");
        return dir;
    }

    @Test
    void aFolderThatIsNotARunFolderIsNeverReplacedEvenWithForce() throws IOException {
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.writeString(project.resolve("metrics.csv"), "mine");
        Map<String, String> before = snapshot(project);
        Cli.Run r = Cli.run("article", "--episodes", "10", "-q", "--force", "--out", project.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("gradtape article: the output folder " + project + " is not a run folder (it holds pom.xml,"
                + " which no gradtape run writes, and no run.json), so it is never replaced, even with --force;"
                + " choose another --out", r.firstErrorLine());
        assertEquals(before, snapshot(project));
        assertEquals(List.of("project"), names(tmp));
    }

    @Test
    void runJsonRecordsTheCommandEveryOptionAndWhatItRanOn() {
        Path dir = tmp.resolve("r");
        Instant before = Instant.now();
        Cli.Run r = Cli.run("article", "--episodes", "20", "--seed", "5", "--lr", "0.01", "-q", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> rec = RunFolder.readRecord(dir).orElseThrow();
        assertEquals("gradtape-run", rec.get("format"));
        assertEquals("article", rec.get("command"));
        assertEquals("finished", rec.get("status"));
        assertEquals("5", rec.get("seed").toString());
        Instant started = Instant.parse((String) rec.get("started"));
        Instant ended = Instant.parse((String) rec.get("ended"));
        assertFalse(started.isBefore(before.minusSeconds(1)), rec.toString());
        assertFalse(ended.isBefore(started), rec.toString());
        assertEquals(String.valueOf(ProcessHandle.current().pid()), rec.get("pid").toString());
        assertEquals(null, rec.get("error"));
        assertEquals(GradtapeCli.VERSION, rec.get("gradtape_version"));
        assertEquals(System.getProperty("java.version"), rec.get("java_version"));
        assertEquals("plain", rec.get("matmul_path")); // tests run without the vector module
        assertEquals(String.valueOf(dev.gradtape.autodiff.ComputeSettings.current().threads()), rec.get("threads").toString());
        assertEquals(List.of("article", "--episodes", "20", "--seed", "5", "--lr", "0.01", "-q", "--out",
                dir.toString()), rec.get("arguments"));
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) rec.get("options");
        // every option, the defaults too, each as it was used
        assertEquals(List.of("--out", "--force", "--quiet", "--config", "--episodes", "--seed", "--target",
                "--range", "--max-reward", "--lr", "--loss", "--baseline", "--threads", "--resume"), List.copyOf(options.keySet()));
        assertEquals("20", options.get("--episodes").toString());
        assertEquals("0.01", options.get("--lr").toString());
        assertEquals("4.0", options.get("--target").toString());
        assertEquals("0.25", options.get("--range").toString());
        assertEquals("exact", options.get("--loss"));
        assertEquals("mean", options.get("--baseline"));
        assertEquals(dir.toAbsolutePath().toString(), options.get("--out"));
        assertEquals(Boolean.TRUE, options.get("--quiet"));
        assertTrue(r.out().contains("Run folder: " + dir.toAbsolutePath() + " (run.json, metrics.csv"), r.out());
    }

    @Test
    void everyCommandWithARunFolderRecordsIt() {
        Path dir = tmp.resolve("tour");
        Cli.Run r = Cli.run("tour", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Object> rec = RunFolder.readRecord(dir).orElseThrow();
        assertEquals("tour", rec.get("command"));
        assertEquals("finished", rec.get("status"));
        assertEquals(null, rec.get("seed"));
    }

    @Test
    void forceReplacesTheFolderWholeWhenTheRunFinishes() throws IOException {
        Path dir = oldRun("r");
        Cli.Run r = Cli.run("article", "--episodes", "30", "-q", "--force", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(List.of("actor.safetensors", "article.png", "metrics.csv", "run.json"), names(dir));
        assertEquals(31, Files.readAllLines(dir.resolve("metrics.csv")).size());
        assertEquals(List.of("r"), names(tmp), "a staging or old folder was left beside the run");
    }

    @Test
    void aFailedForcedRunLeavesTheOldFolderExactlyAsItWas() throws IOException {
        Path dir = oldRun("r");
        Map<String, String> before = snapshot(dir);
        Cli.Run r = Cli.run("article", "--episodes", "100", "--lr", "1e300", "-q", "--force", "--out", dir.toString());
        assertEquals(1, r.exitCode(), r.err());
        assertTrue(r.err().strip().endsWith("; the run folder " + dir.toAbsolutePath() + " was left as it was"), r.err());
        assertEquals(before, snapshot(dir), "the failed run changed the folder it was to replace");
        assertEquals(List.of("r"), names(tmp), "the failed run's staging folder was left behind");
    }

    @Test
    void aSwapThatCannotHappenKeepsBothFoldersAndSaysWhereTheNewRunIs() throws IOException {
        Path dir = oldRun("r");
        Map<String, String> before = snapshot(dir);
        RunFolder f = RunFolder.open(dir, true);
        f.begin("article", Map.of());
        f.writeText("metrics.csv", "new");
        // something in the way of the old folder's rename: a folder of this (live) process
        Files.createDirectories(tmp.resolve(".r." + ProcessHandle.current().pid() + ".old/x"));
        String note = f.end(RunFolder.Status.FINISHED, null);
        assertTrue(note.startsWith("the new run could not replace " + dir.toAbsolutePath()), note);
        assertTrue(note.endsWith("which was left as it was; the new run is in " + tmp.resolve("r-2")), note);
        assertEquals(before, snapshot(dir));
        assertEquals("new", Files.readString(tmp.resolve("r-2/metrics.csv")));
        assertEquals("finished", RunFolder.readRecord(tmp.resolve("r-2")).orElseThrow().get("status"));
    }

    @Test
    void aDeadRunsTemporaryFileIsRemovedAndBlocksNothing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Path stale = Files.writeString(dir.resolve(".metrics.csv." + deadPid() + "-1.tmp"), "half a fi");
        Cli.Run r = Cli.run("article", "--episodes", "10", "-q", "--out", dir.toString()); // no --force needed
        assertEquals(0, r.exitCode(), r.err());
        assertFalse(Files.exists(stale));
        assertTrue(names(dir).stream().noneMatch(n -> n.endsWith(".tmp")), names(dir).toString());
    }

    @Test
    void aRunKilledOutrightIsKeptUntilForceReplacesIt() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Files.writeString(dir.resolve("run.json"), "{\"format\": \"gradtape-run\", \"status\": \"running\", \"pid\": "
                + deadPid() + ", \"started\": \"" + Instant.now() + "\"}\n");
        Files.writeString(dir.resolve("metrics.csv"), "episode,mu\n0,0.5\n");
        Files.writeString(dir.resolve(".metrics.csv.999999999-3.tmp"), "an unknown (not running) writer's");
        Cli.Run refused = Cli.run("article", "--episodes", "10", "-q", "--out", dir.toString());
        assertEquals(2, refused.exitCode(), refused.err());
        assertEquals("gradtape article: the output folder " + dir + " already exists and is not empty (it holds a"
                + " run with status running); pass --force to replace it or choose another --out",
                refused.firstErrorLine());
        Cli.Run forced = Cli.run("article", "--episodes", "10", "-q", "--out", dir.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertEquals("finished", RunFolder.readRecord(dir).orElseThrow().get("status"));
    }

    @Test
    void aFolderInUseByARunningProcessIsRefusedEvenWithForce() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("r"));
        Instant started = ProcessHandle.current().info().startInstant().orElse(Instant.now()).plusSeconds(2);
        Files.writeString(dir.resolve("run.json"), "{\"format\": \"gradtape-run\", \"status\": \"running\", \"pid\": "
                + ProcessHandle.current().pid() + ", \"started\": \"" + started + "\"}\n");
        Map<String, String> before = snapshot(dir);
        Cli.Run r = Cli.run("article", "--episodes", "10", "-q", "--out", dir.toString(), "--force");
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("gradtape article: the output folder " + dir + " is in use by a run of process "
                + ProcessHandle.current().pid() + " (status running); wait for it or choose another --out",
                r.firstErrorLine());
        assertEquals(before, snapshot(dir));
        assertEquals(List.of("r"), names(tmp));
    }

    @Test
    void aSwapKilledBetweenItsRenamesIsFinishedByTheNextOpen() throws Exception {
        long pid = deadPid();
        // the old folder was moved aside, the finished new one not yet moved in
        Path old = oldRun(".r." + pid + ".old");
        Path staged = Files.createDirectories(tmp.resolve(".r." + pid + ".new"));
        Files.writeString(staged.resolve("run.json"), "{\"format\": \"gradtape-run\", \"status\": \"finished\"}\n");
        Files.writeString(staged.resolve("metrics.csv"), "new");
        Cli.Run r = Cli.run("article", "--episodes", "10", "-q", "--out", tmp.resolve("r").toString());
        assertEquals(2, r.exitCode(), r.err()); // the recovered run is there now: not overwritten without --force
        assertEquals("new", Files.readString(tmp.resolve("r/metrics.csv")));
        assertEquals(List.of("r"), names(tmp));
        assertFalse(Files.exists(old));
    }

    @Test
    void aSwapKilledBeforeTheNewRunFinishedPutsTheOldFolderBack() throws Exception {
        long pid = deadPid();
        oldRun(".r." + pid + ".old");
        Path staged = Files.createDirectories(tmp.resolve(".r." + pid + ".new"));
        Files.writeString(staged.resolve("metrics.csv"), "half");
        Cli.Run r = Cli.run("article", "--episodes", "10", "-q", "--out", tmp.resolve("r").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("mine", Files.readString(tmp.resolve("r/notes.txt")));
        assertEquals(List.of("r"), names(tmp));
    }

    @Test
    void sigtermRecordsStoppedAndLeavesNoTemporaryFiles() throws Exception {
        Path dir = tmp.resolve("r");
        Path log = tmp.resolve("child.log");
        Process p = ChildJvm.start(tmp, List.of(), log, "article", "--episodes", "2000000000", "-q", "--out", dir.toString());
        try {
            waitForRows(dir.resolve("metrics.csv"), p);
            assertEquals("running", RunFolder.readRecord(dir).orElseThrow().get("status"));
        } finally {
            p.destroy(); // SIGTERM
            p.waitFor();
        }
        assertEquals(143, p.exitValue(), Files.readString(log)); // 128 + SIGTERM
        Map<String, Object> rec = RunFolder.readRecord(dir).orElseThrow();
        assertEquals("stopped", rec.get("status"), rec.toString());
        assertNotNull(rec.get("ended"), rec.toString());
        assertTrue(names(dir).stream().noneMatch(n -> n.endsWith(".tmp")), names(dir).toString());
        // the CSV ends at a line boundary: whole rows only
        String csv = Files.readString(dir.resolve("metrics.csv"));
        assertTrue(csv.endsWith("\n"), "metrics.csv ends in half a line");
    }

    @Test
    void aForcedRunStoppedBySigtermLeavesTheOldFolderAsItWas() throws Exception {
        Path dir = oldRun("r");
        Map<String, String> before = snapshot(dir);
        Path log = tmp.resolve("child.log");
        Process p = ChildJvm.start(tmp, List.of(), log, "article", "--episodes", "2000000000", "-q", "--force",
                "--out", dir.toString());
        try {
            waitForRows(tmp.resolve(".r." + p.pid() + ".new").resolve("metrics.csv"), p);
        } finally {
            p.destroy();
            p.waitFor();
        }
        assertEquals(143, p.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("; the run folder " + dir.toAbsolutePath() + " was left as it was (a run"
                + " that replaces a folder is not kept when stopped)"), Files.readString(log));
        assertEquals(before, snapshot(dir));
        assertEquals(List.of("child.log", "r"), names(tmp));
    }

    private static void waitForRows(Path csv, Process p) throws IOException, InterruptedException {
        for (int i = 0; i < 6000 && p.isAlive(); i++) {
            if (Files.exists(csv) && Files.size(csv) > 2 * CsvLog.BUFFER_CHARS) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the child run wrote no rows (alive: " + p.isAlive() + ")");
    }

    @Test
    void plotSamplesStayBoundedAndKeepTheEnds() {
        PlotSample s = new PlotSample(2, 8);
        for (int i = 0; i < 1000; i++) {
            s.add(i, 2 * i);
        }
        double[] x = s.column(0);
        double[] y = s.column(1);
        assertTrue(x.length <= 9, java.util.Arrays.toString(x));
        assertTrue(x.length >= 4, java.util.Arrays.toString(x));
        assertEquals(0, x[0]);
        assertEquals(999, x[x.length - 1]);
        for (int i = 0; i < x.length; i++) {
            assertEquals(2 * x[i], y[i]);
            if (i > 0) {
                assertTrue(x[i] > x[i - 1]);
            }
        }
        // evenly spaced: every kept row is a multiple of one stride
        double stride = x[1] - x[0];
        for (int i = 1; i < x.length - 1; i++) {
            assertEquals(stride * i, x[i]);
        }
        PlotSample few = new PlotSample(1, 8);
        few.add(1);
        few.add(2);
        few.add(3);
        assertArrayEquals(new double[] {1, 2, 3}, few.column(0));
    }

    @Test
    void csvLogsCutBackToACheckpointsRows() throws IOException {
        Path f = tmp.resolve("m.csv");
        try (CsvLog log = CsvLog.create(f, "episode", "x")) {
            for (int i = 0; i < 10; i++) {
                log.add(i, i * 0.5);
            }
        }
        Files.writeString(f, "10,5.", java.nio.file.StandardOpenOption.APPEND); // a kill mid-line
        assertEquals(4, CsvLog.cutBack(f, 4));
        assertEquals("episode,x\n0,0.0\n1,0.5\n2,1.0\n3,1.5\n", Files.readString(f));
        try (CsvLog log = CsvLog.reopen(f, "episode", "x")) { // a resumed run appends after the cut
            assertEquals(4, log.rowCount());
            log.add(4, 2.0);
        }
        assertEquals("episode,x\n0,0.0\n1,0.5\n2,1.0\n3,1.5\n4,2.0\n", Files.readString(f));
        assertThrows(IllegalArgumentException.class, () -> CsvLog.reopen(f, "episode", "y"));
        assertEquals(4, CsvLog.cutBack(f, 4));
        assertEquals(4, CsvLog.cutBack(f, 100)); // fewer rows than asked: all kept
        assertEquals(0, CsvLog.cutBack(f, 0));
        assertEquals("episode,x\n", Files.readString(f));
    }
}
