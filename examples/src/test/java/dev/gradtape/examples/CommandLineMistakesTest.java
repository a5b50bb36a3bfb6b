package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each command-line mistake: one clear line, the usage, exit code 2, no stack trace. */
class CommandLineMistakesTest {
    @TempDir
    Path tmp;

    private static void assertUsageError(Cli.Run run, String firstLine, String usageOf) {
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(firstLine, run.firstErrorLine());
        assertTrue(run.err().contains("Usage: " + usageOf), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals("", run.out());
    }

    @Test
    void unknownFlag() {
        assertUsageError(Cli.run("tour", "--bogus"), "gradtape tour: Unknown option: '--bogus'",
                "gradtape tour");
    }

    @Test
    void notANumber() {
        assertUsageError(Cli.run("article", "--episodes", "many"),
                "gradtape article: Invalid value for option '--episodes': 'many' is not an int",
                "gradtape article");
    }

    @Test
    void negativeEpisodes() {
        assertUsageError(Cli.run("article", "--episodes", "-5", "--out", tmp.resolve("r").toString()),
                "gradtape article: invalid value for option '--episodes': must be at least 1, got -5",
                "gradtape article");
    }

    @Test
    void unwritableOutputFolder() throws IOException {
        // A regular file where a parent folder should be: no one, not even root, can create it.
        Path blocker = Files.writeString(tmp.resolve("blocker"), "x");
        Cli.Run run = Cli.run("tour", "--out", blocker.resolve("run").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.firstErrorLine().startsWith("gradtape tour: cannot write to the output folder "
                + blocker.resolve("run")), run.err());
        assertTrue(run.err().contains("Usage: gradtape tour"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void outputFolderThatIsAFile() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        assertUsageError(Cli.run("tour", "--out", file.toString()),
                "gradtape tour: the output folder " + file + " is a file, not a folder; choose another --out",
                "gradtape tour");
    }

    @Test
    void existingRunFolderIsKeptWithoutForce() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("run"));
        Path precious = Files.writeString(dir.resolve("scalar.dot"), "precious");
        assertUsageError(Cli.run("tour", "--out", dir.toString()),
                "gradtape tour: the output folder " + dir + " already exists and is not empty; pass"
                        + " --force to replace it or choose another --out",
                "gradtape tour");
        assertEquals("precious", Files.readString(precious));

        Cli.Run forced = Cli.run("tour", "--out", dir.toString(), "--force");
        assertEquals(0, forced.exitCode(), forced.err());
        assertTrue(Files.readString(precious).startsWith("digraph"));
    }

    @Test
    void missingCommand() {
        Cli.Run run = Cli.run();
        assertEquals(2, run.exitCode());
        assertTrue(run.firstErrorLine().startsWith("gradtape: missing a command; choose one of: tour,"),
                run.err());
        assertTrue(run.err().contains("Usage: gradtape"), run.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"tour", "article", "pendulum"}) {
            Cli.Run run = Cli.run(command, "--help");
            assertEquals(0, run.exitCode(), command);
            assertTrue(run.out().contains("Usage: gradtape " + command + " [-hqV]"), run.out());
            assertTrue(run.out().contains("--out=DIR"), run.out());
        }
        Cli.Run top = Cli.run("--help");
        assertEquals(0, top.exitCode());
        assertTrue(top.out().contains("article"), top.out());
    }

    /**
     * Every count of bench out of its range: exit code 2 and one line naming the option, the
     * value and the range, before anything runs (these printed nothing and exited 0, printed a
     * negative rate, wrapped 4294967396 round to 100, or failed with exit code 1 and an internal
     * message that began "bench: bench:").
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "A  | --reps       | 0          | must be at least 1, got 0",
        "A  | --reps       | -1         | must be at least 1, got -1",
        "A  | --episodes   | -5         | must be from 1 to 2147483647, got -5",
        "A  | --episodes   | 4294967396 | must be from 1 to 2147483647, got 4294967396",
        "C  | --episodes   | 0          | must be from 1 to 9223372036854775807, got 0",
        "B  | --steps      | -1         | must be at least 1, got -1",
        "B  | --steps      | 0          | must be at least 1, got 0",
        "B  | --warmup     | -5         | must be at least 0, got -5",
        "MM | --size       | 0          | must be from 1 to ",
        "MM | --size       | -1         | must be from 1 to ",
        "MM | --size       | 46341      | must be from 1 to ",
        "C  | --max-nodes  | 0          | must be from 1000 to 10000000 (the series runs 1000, 10000, ... up to it), got 0",
        "C  | --max-nodes  | 2147483647 | must be from 1000 to 10000000 (the series runs 1000, 10000, ... up to it), got 2147483647",
        "C  | --heap-every | 0          | must be at least 1, got 0",
        "A  | --threads    | 0          | must be at least 1, got 0",
        "A  | --kernel     | fast       | must be one of auto, plain, got fast",
        "A  | --engine     | jit        | must be one of compiled, eager, got jit",
        "C  | --part       | all        | must be one of backward, heap, both, got all"})
    void benchChecksEveryRange(String workload, String option, String value, String problem) {
        Cli.Run run = Cli.run("bench", "--workload", workload, option, value);
        String line = run.firstErrorLine();
        assertTrue(line.startsWith("gradtape bench: invalid value for option '" + option + "': " + problem),
                line);
        assertTrue(line.endsWith(", got " + value), line);
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("Usage: gradtape bench"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    /**
     * A reward scale whose product overflows (or underflows) is refused up front; training used to
     * start and fail on its first update with a misleading "the loss is Infinity ... sigma reached
     * 0" (or, underflowing, learn nothing from rewards that were all 0).
     */
    @ParameterizedTest
    @CsvSource({"1e308, 1e308, 1.0E308 * 1.0E308 overflows to infinity",
        "1e200, 1e200, 1.0E200 * 1.0E200 overflows to infinity",
        "1e-300, 1e-300, 1.0E-300 * 1.0E-300 underflows to 0"})
    void articleRewardScaleMustNotOverflow(String range, String maxReward, String what) {
        Path out = tmp.resolve("r");
        assertUsageError(Cli.run("article", "--range", range, "--max-reward", maxReward, "--out", out.toString()),
                "gradtape article: invalid values for options '--range' and '--max-reward': the reward is"
                        + " range * max-reward / max(range, |target - a|), and " + what + "; choose values"
                        + " whose product is a finite number > 0",
                "gradtape article");
        assertFalse(Files.exists(out));
    }

    @Test
    void aLargeButFiniteRewardScaleStillRuns() {
        Cli.Run run = Cli.run("article", "--range", "1e150", "--max-reward", "1e150", "--episodes", "20", "-q",
                "--out", tmp.resolve("big").toString());
        assertEquals(0, run.exitCode(), run.err());
    }
}
