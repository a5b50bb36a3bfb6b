package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --config run.json} repeats a run: the same options, the same rows. */
class RunConfigTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static Map<String, Object> options(Path dir) {
        return new HashMap<>((Map<String, Object>) RunFolder.readRecord(dir).orElseThrow().get("options"));
    }

    /** The CSV's lines with column {@code drop} (a wall-clock column) removed, or all of them (-1). */
    private static List<String> rows(Path csv, int drop) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> {
            if (drop < 0) {
                return l;
            }
            List<String> f = new java.util.ArrayList<>(List.of(l.split(",", -1)));
            f.remove(drop);
            return String.join(",", f);
        }).toList();
    }

    @Test
    void articleRepeatedFromItsRunJsonGivesTheSameRowsAndCheckpoint() throws IOException {
        Path first = tmp.resolve("first");
        Cli.Run a = Cli.run("article", "--episodes", "150", "--seed", "7", "--lr", "0.003", "--baseline", "none",
                "--target", "2.5", "--loss", "article", "-q", "--out", first.toString());
        assertEquals(0, a.exitCode(), a.err());
        Path again = tmp.resolve("again");
        Cli.Run b = Cli.run("article", "--config", first.resolve("run.json").toString(), "-q", "--out", again.toString());
        assertEquals(0, b.exitCode(), b.err());
        assertEquals("", b.err());
        assertTrue(b.out().startsWith("article: 150 episodes, seed 7, target 2.5, range 0.25, max reward 1.0,"
                + " lr 0.003, loss article, baseline none"), b.out());
        assertEquals(rows(first.resolve("metrics.csv"), -1), rows(again.resolve("metrics.csv"), -1));
        assertEquals(151, rows(again.resolve("metrics.csv"), -1).size());
        assertArrayEquals(Files.readAllBytes(first.resolve(ArticleRun.CHECKPOINT)),
                Files.readAllBytes(again.resolve(ArticleRun.CHECKPOINT)));

        Map<String, Object> o1 = options(first);
        Map<String, Object> o2 = options(again);
        assertEquals(first.resolve("run.json").toAbsolutePath().toString(), o2.get("--config"));
        for (String where : List.of("--out", "--config")) {
            o1.remove(where);
            o2.remove(where);
        }
        assertEquals(o1, o2);
        assertEquals(first.resolve("run.json").toAbsolutePath().toString(),
                RunFolder.readRecord(again).orElseThrow().get("config"));
    }

    @Test
    void pendulumRepeatedGivesTheSameRowsApartFromTheWallClock() throws IOException {
        Path first = tmp.resolve("first");
        Cli.Run a = Cli.run("pendulum", "--episodes", "32", "--eval-every", "16", "--seed", "4", "-q",
                "--out", first.toString());
        assertEquals(0, a.exitCode(), a.err());
        Path again = tmp.resolve("again");
        Cli.Run b = Cli.run("pendulum", "--config", first.resolve("run.json").toString(), "-q", "--out",
                again.toString());
        assertEquals(0, b.exitCode(), b.err());
        int seconds = List.of(PendulumCommand.CURVE).indexOf("seconds");
        assertEquals(rows(first.resolve("learning-curve.csv"), seconds), rows(again.resolve("learning-curve.csv"), seconds));
        assertEquals(4, rows(again.resolve("learning-curve.csv"), -1).size());
        assertEquals(rows(first.resolve("updates.csv"), -1), rows(again.resolve("updates.csv"), -1));
        assertArrayEquals(Files.readAllBytes(first.resolve(PendulumCommand.CHECKPOINT)),
                Files.readAllBytes(again.resolve(PendulumCommand.CHECKPOINT)));
    }

    @Test
    void optionsOnTheCommandLineWinOverTheFile() throws IOException {
        Path first = tmp.resolve("first");
        assertEquals(0, Cli.run("article", "--episodes", "40", "--seed", "3", "-q", "--out", first.toString()).exitCode());
        Path other = tmp.resolve("other");
        Cli.Run b = Cli.run("article", "--config", first.resolve("run.json").toString(), "--episodes=25", "-q",
                "--out", other.toString());
        assertEquals(0, b.exitCode(), b.err());
        assertEquals(26, rows(other.resolve("metrics.csv"), -1).size());
        assertEquals("3", options(other).get("--seed").toString());
        // and without --out the repeat goes to a new folder, never over the recorded one
        assertNotEquals(first.toAbsolutePath().toString(), options(other).get("--out"));
    }

    private static void assertConfigError(Cli.Run r, String command, String problem) {
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("gradtape " + command + ": invalid value for option '--config': " + problem, r.firstErrorLine());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void aConfigThatCannotRepeatTheRunIsAUsageError() throws IOException {
        Path missing = tmp.resolve("missing.json");
        assertConfigError(Cli.run("article", "--config", missing.toString()), "article",
                missing + ": cannot read it: no such file");

        Path notJson = Files.writeString(tmp.resolve("bad.json"), "{\"format\": ");
        assertConfigError(Cli.run("article", "--config", notJson.toString()), "article",
                notJson + ": cannot read it: not JSON at line 1, column 12: the text ends where a value should be");

        Path other = Files.writeString(tmp.resolve("other.json"), "{\"a\": 1}");
        assertConfigError(Cli.run("article", "--config", other.toString()), "article", other
                + ": it is not the run.json of a gradtape run (no \"format\": \"gradtape-run\" with a command and its options)");

        Path first = tmp.resolve("first");
        assertEquals(0, Cli.run("pendulum", "--episodes", "16", "--eval-every", "16", "-q", "--out",
                first.toString()).exitCode());
        Path record = first.resolve("run.json");
        assertConfigError(Cli.run("article", "--config", record.toString(), "--out", tmp.resolve("x").toString()),
                "article", record + ": it records a run of 'pendulum', not of 'article'; repeat it with gradtape"
                        + " pendulum --config " + record);
        assertFalse(Files.exists(tmp.resolve("x")));

        Path edited = Files.writeString(tmp.resolve("edited.json"), Files.readString(record)
                .replace("\"--eval-every\"", "\"--bogus\""));
        assertConfigError(Cli.run("pendulum", "--config", edited.toString()), "pendulum",
                edited + ": it sets --bogus, which gradtape pendulum does not have");

        // not a file name at all: picocli's own one line (read before parsing, it must not crash)
        Cli.Run nul = Cli.run("article", "--config", "a\u0000b");
        assertEquals(2, nul.exitCode(), nul.err());
        assertTrue(nul.firstErrorLine().startsWith("gradtape article: Invalid value for option '--config':"), nul.err());
        assertFalse(nul.err().contains("\tat "), nul.err());

        Path deep = Files.writeString(tmp.resolve("deep.json"), "[".repeat(3000));
        assertConfigError(Cli.run("article", "--config", deep.toString()), "article",
                deep + ": cannot read it: not JSON at line 1, column 9: nested deeper than 8 levels");
    }

    @Test
    void aRecordedValueOutOfRangeIsCheckedLikeATypedOne() throws IOException {
        Path first = tmp.resolve("first");
        assertEquals(0, Cli.run("article", "--episodes", "10", "-q", "--out", first.toString()).exitCode());
        Path edited = Files.writeString(tmp.resolve("edited.json"), Files.readString(first.resolve("run.json"))
                .replace("\"--episodes\": 10", "\"--episodes\": -5"));
        Cli.Run r = Cli.run("article", "--config", edited.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertEquals("gradtape article: invalid value for option '--episodes': must be at least 1, got -5",
                r.firstErrorLine());
    }

    @Test
    void aRepeatOnTheOtherMatrixPathSaysSo() throws IOException {
        Path first = tmp.resolve("first");
        assertEquals(0, Cli.run("article", "--episodes", "10", "-q", "--out", first.toString()).exitCode());
        Path edited = Files.writeString(tmp.resolve("vector.json"), Files.readString(first.resolve("run.json"))
                .replace("\"matmul_path\": \"plain\"", "\"matmul_path\": \"vector\""));
        Cli.Run r = Cli.run("article", "--config", edited.toString(), "-q", "--out", tmp.resolve("again").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("gradtape article: note: the recorded run took the vector matrix path and this one takes the"
                + " plain path; their results agree to round-off, not bit for bit", r.err().strip());
    }
}
