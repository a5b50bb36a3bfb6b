package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume}: a run stopped by SIGTERM in a child JVM and continued here gives the files of
 * a run never stopped (wall-clock columns aside), and a folder that cannot be continued is one
 * line, exit code 2, and left exactly as it was.
 */
class ResumeCommandTest {
    @TempDir
    Path tmp;

    /** Starts {@code args} in a child JVM and stops it with SIGTERM once {@code ready} holds. */
    private Path stopped(String name, java.util.function.Predicate<Path> ready, String... args) throws Exception {
        Path dir = tmp.resolve(name);
        Path log = tmp.resolve(name + ".log");
        String[] all = Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--out";
        all[args.length + 1] = dir.toString();
        Process p = ChildJvm.start(tmp, List.of(), log, all);
        try {
            for (int i = 0; i < 12_000 && p.isAlive() && !ready.test(dir); i++) {
                Thread.sleep(10);
            }
            assertTrue(p.isAlive(), "the child ended before it could be stopped: " + Files.readString(log));
        } finally {
            p.destroy(); // SIGTERM
            p.waitFor();
        }
        assertEquals(143, p.exitValue(), Files.readString(log));
        assertTrue(Files.readString(log).contains("stopped after "), Files.readString(log));
        assertEquals("stopped", RunFolder.readRecord(dir).orElseThrow().get("status"));
        return dir;
    }

    private static long rows(Path csv) {
        try {
            return Files.exists(csv) ? Files.readAllLines(csv).size() - 1 : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** A CSV without its column {@code drop} (a wall-clock column), as lines. */
    private static List<String> withoutColumn(Path csv, int drop) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> {
            List<String> f = new java.util.ArrayList<>(Arrays.asList(l.split(",", -1)));
            f.remove(drop);
            return String.join(",", f);
        }).collect(Collectors.toList());
    }

    @Test
    void aPendulumRunStoppedBySigtermAndResumedEqualsOneNeverStopped() throws Exception {
        // 640 episodes (40 updates); its logs reach the disk at each evaluation, every 64 episodes
        Path dir = stopped("stopped", d -> rows(d.resolve(PendulumCommand.UPDATES)) >= 16,
                "pendulum", "--episodes", "640", "--eval-every", "64", "--threads", "2", "-q");
        long atStop = rows(dir.resolve(PendulumCommand.UPDATES));
        assertTrue(atStop >= 16 && atStop < 40, "stopped after " + atStop + " of 40 updates");
        assertTrue(Files.exists(dir.resolve(Resume.STATE)));

        Cli.Run resumed = Cli.run("pendulum", "--resume", dir.toString(), "--threads", "1");
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.out().contains("continued after " + atStop * 16 + " episodes"), resumed.out());
        Path full = tmp.resolve("full");
        Cli.Run straight = Cli.run("pendulum", "--episodes", "640", "--eval-every", "64", "-q", "--out", full.toString());
        assertEquals(0, straight.exitCode(), straight.err());

        for (String f : List.of(PendulumCommand.CHECKPOINT, PendulumCommand.UPDATES, PendulumAnimation.FILE,
                Resume.STATE)) {
            if (f.equals(Resume.STATE)) {
                continue; // its metadata holds the wall-clock seconds
            }
            assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        assertEquals(withoutColumn(full.resolve(PendulumCommand.LEARNING_CURVE), 4),
                withoutColumn(dir.resolve(PendulumCommand.LEARNING_CURVE), 4));
        Map<String, Object> rec = RunFolder.readRecord(dir).orElseThrow();
        assertEquals("finished", rec.get("status"));
        assertEquals(1, ((List<?>) rec.get("resumed")).size());
        // finished: nothing more to continue, and the folder is left as it is
        Map<String, String> before = RunLifecycleTest.snapshot(dir);
        Cli.Run again = Cli.run("pendulum", "--resume", dir.toString());
        assertEquals(2, again.exitCode());
        assertEquals("gradtape pendulum: cannot resume " + dir + ": its run has finished; there is nothing to"
                + " continue (start a new run with --config " + dir.resolve("run.json") + ")", again.err().strip());
        assertEquals(before, RunLifecycleTest.snapshot(dir));
    }

    @Test
    void anArticleRunStoppedBySigtermAndResumedEqualsOneNeverStopped() throws Exception {
        Path dir = stopped("stopped", d -> Files.exists(d.resolve(Resume.STATE)),
                "article", "--episodes", "100000", "-q");
        Cli.Run resumed = Cli.run("article", "--resume", dir.toString(), "-q");
        assertEquals(0, resumed.exitCode(), resumed.err());
        Path full = tmp.resolve("full");
        Cli.Run straight = Cli.run("article", "--episodes", "100000", "-q", "--out", full.toString());
        assertEquals(0, straight.exitCode(), straight.err());
        for (String f : List.of(ArticleRun.CHECKPOINT, ArticleRun.METRICS, "article.png")) {
            assertArrayEquals(Files.readAllBytes(full.resolve(f)), Files.readAllBytes(dir.resolve(f)), f);
        }
        String finalLine = straight.out().lines().filter(l -> l.startsWith("Final: ")).findFirst().orElseThrow();
        assertTrue(resumed.out().contains(finalLine), resumed.out());
    }

    /** A copy of {@code dir} named {@code name}, changed by {@code change}. */
    private Path variant(Path dir, String name, IoAction change) throws IOException {
        Path v = tmp.resolve(name);
        Files.createDirectories(v);
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, v.resolve(f.getFileName()));
            }
        }
        change.apply(v);
        return v;
    }

    /** A change to a folder. */
    private interface IoAction {
        void apply(Path dir) throws IOException;
    }

    private void assertRefused(Path dir, String problem, String... more) throws IOException {
        boolean exists = Files.exists(dir);
        Map<String, String> before = exists ? RunLifecycleTest.snapshot(dir) : Map.of();
        String[] args = new String[2 + more.length];
        args[0] = "article";
        args[1] = "--resume=" + dir;
        System.arraycopy(more, 0, args, 2, more.length);
        Cli.Run r = Cli.run(args);
        assertEquals(2, r.exitCode(), r.err());
        String line = r.err().strip();
        assertFalse(line.contains("\n"), "more than one line: " + r.err());
        assertEquals("gradtape article: cannot resume " + dir + ": " + problem, line);
        if (exists) {
            assertEquals(before, RunLifecycleTest.snapshot(dir), "the refused resume changed " + dir);
        } else {
            assertFalse(Files.exists(dir), "the refused resume made " + dir);
        }
    }

    @Test
    void aFolderThatCannotBeContinuedIsOneLineAndLeftAsItWas() throws Exception {
        Path dir = stopped("stopped", d -> Files.exists(d.resolve(Resume.STATE)),
                "article", "--episodes", "2000000000", "-q");
        assertRefused(tmp.resolve("missing"), "no such folder");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        assertRefused(project, "it is not a gradtape run folder (it has no run.json)");
        assertRefused(variant(dir, "bad-record", d -> Files.writeString(d.resolve("run.json"), "{\"format\": \"gr")),
                "its run.json is not the record of a gradtape run (unreadable, cut short, or without \"format\":"
                        + " \"gradtape-run\" and options)");
        Path noState = variant(dir, "no-state", d -> Files.delete(d.resolve(Resume.STATE)));
        assertRefused(noState, "it has no state.safetensors (the run was stopped or killed before its first"
                + " checkpoint); start it again with --config " + noState.resolve("run.json"));
        Path cut = variant(dir, "cut-state", d -> {
            byte[] b = Files.readAllBytes(d.resolve(Resume.STATE));
            Files.write(d.resolve(Resume.STATE), Arrays.copyOf(b, b.length / 2));
        });
        Cli.Run r = Cli.run("article", "--resume", cut.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().strip().startsWith("gradtape article: cannot resume " + cut + ": state.safetensors cannot"
                + " be used: "), r.err());
        assertTrue(r.err().contains("truncated"), r.err());
        Path flipped = variant(dir, "flipped-state", d -> {
            byte[] b = Files.readAllBytes(d.resolve(Resume.STATE));
            b[b.length - 5] ^= 0x10;
            Files.write(d.resolve(Resume.STATE), b);
        });
        Map<String, String> before = RunLifecycleTest.snapshot(flipped);
        r = Cli.run("article", "--resume", flipped.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("CRC32C") && r.err().contains("corrupt"), r.err());
        assertEquals(before, RunLifecycleTest.snapshot(flipped));
        long rows = rows(dir.resolve(ArticleRun.METRICS));
        Path shortLog = variant(dir, "short-log", d -> CsvLog.cutBack(d.resolve(ArticleRun.METRICS), 10));
        String state = dev.gradtape.nn.SafeTensors.readContents(dir.resolve(Resume.STATE)).metadata().get("rows_metrics");
        assertTrue(Long.parseLong(state) <= rows);
        assertRefused(shortLog, "metrics.csv holds 10 complete rows but the checkpoint covers " + state
                + "; it is truncated");
        assertRefused(variant(dir, "long-row", d -> {
            String csv = Files.readString(d.resolve(ArticleRun.METRICS));
            int second = csv.indexOf('\n', csv.indexOf('\n') + 1);
            Files.writeString(d.resolve(ArticleRun.METRICS), csv.substring(0, second) + "7".repeat(5000)
                    + csv.substring(second));
        }), "metrics.csv has a row longer than 4096 bytes, which no run writes; it is corrupt");
        assertRefused(variant(dir, "not-numbers", d -> {
            String csv = Files.readString(d.resolve(ArticleRun.METRICS));
            int second = csv.indexOf('\n', csv.indexOf('\n') + 1);
            Files.writeString(d.resolve(ArticleRun.METRICS), csv.substring(0, second + 1) + "1,x,y,z,w,v"
                    + csv.substring(csv.indexOf('\n', second + 1)));
        }), "metrics.csv holds a row that is not numbers in its columns (For input string: \"w\"); it is corrupt");
        assertRefused(variant(dir, "other-header", d -> Files.writeString(d.resolve(ArticleRun.METRICS),
                Files.readString(d.resolve(ArticleRun.METRICS)).replaceFirst("episode,mu", "episode,nu"))),
                "metrics.csv does not start with the header 'episode,mu,sigma,action,reward,loss'; it is corrupt");
        assertRefused(dir, "this command line differs from the run's configuration: --seed 7 (the run has 42),"
                + " --lr 0.01 (the run has 0.001); drop those options to continue the run as it was",
                "--seed", "7", "--lr", "0.01");
        Path pendulumRun = variant(dir, "other-command", d -> Files.writeString(d.resolve("run.json"),
                Files.readString(d.resolve("run.json")).replace("\"command\": \"article\"", "\"command\": \"pendulum\"")));
        assertRefused(pendulumRun, "it holds a run of 'pendulum', not of 'article'; continue it with gradtape pendulum"
                + " --resume " + pendulumRun);
        assertRefused(dir, "--resume continues the run in its own folder with its own options; drop --out",
                "--out", tmp.resolve("elsewhere").toString());
    }
}
