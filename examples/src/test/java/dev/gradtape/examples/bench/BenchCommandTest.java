package dev.gradtape.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.ComputeSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The bench command prints lines that the peers' summarize.py can read: "RESULT " then
 * space-separated key=value tokens with the keys it looks up.
 */
class BenchCommandTest {
    @AfterEach
    void theCommandsSettingsEndWithIt() {
        assertEquals(ComputeSettings.defaults(), ComputeSettings.current());
    }

    private static List<Map<String, String>> run(String... args) {
        BenchCommand cmd = new BenchCommand();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cmd.out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new CommandLine(cmd).execute(args);
        assertEquals(0, code, "exit code of bench " + String.join(" ", args));
        return bytes.toString(StandardCharsets.UTF_8).lines().map(BenchCommandTest::parse).toList();
    }

    /** What summarize.py does: skip lines not starting "RESULT ", split tokens on the first '='. */
    private static Map<String, String> parse(String line) {
        assertTrue(line.startsWith("RESULT "), line);
        Map<String, String> d = new HashMap<>();
        for (String tok : line.substring(7).split(" ")) {
            int eq = tok.indexOf('=');
            assertTrue(eq > 0, "token without key=value: " + tok);
            d.put(tok.substring(0, eq), tok.substring(eq + 1));
        }
        return d;
    }

    @Test
    void workload_a_prints_one_summarizable_line_per_repetition() {
        List<Map<String, String>> rows = run("--workload", "A", "--episodes", "200", "--reps", "2", "--threads", "1");
        assertEquals(2, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, String> d = rows.get(i);
            assertEquals("gradtape", d.get("peer"));
            assertEquals("A", d.get("workload"));
            assertEquals("1", d.get("threads"));
            assertEquals(String.valueOf(i + 1), d.get("rep"));
            assertEquals("200", d.get("episodes"));
            double seconds = Double.parseDouble(d.get("seconds"));
            // seconds is printed to 5 decimals, so at 200 episodes in a few tenths of a
            // millisecond its rounding (up to 5e-6 s) alone moves 200 / seconds by over 1%
            double rounding = 5e-6 / seconds;
            assertEquals(200 / seconds, Double.parseDouble(d.get("ups")), (0.01 + rounding) * 200 / seconds + 0.1);
            for (String key : List.of("mu", "sigma", "reward_last1000")) {
                assertTrue(Double.isFinite(Double.parseDouble(d.get(key))), key);
            }
            assertEquals("plain", d.get("path")); // tests run without the vector module
            assertEquals("compiled", d.get("engine"));
        }
    }

    @Test
    void workload_a_runs_on_either_engine_with_the_same_numbers() {
        Map<String, String> replay = run("--workload", "A", "--episodes", "300", "--reps", "1").get(0);
        Map<String, String> eager = run("--workload", "A", "--episodes", "300", "--reps", "1",
                "--engine", "eager").get(0);
        assertEquals("eager", eager.get("engine"));
        for (String key : List.of("mu", "sigma", "reward_last1000")) {
            assertEquals(replay.get(key), eager.get(key), key);
        }
    }

    @Test
    void workload_b_prints_steps_per_second_and_gflops() {
        Map<String, String> d = run("--workload", "B", "--steps", "2", "--warmup", "1", "--reps", "1",
                "--threads", "2").get(0);
        assertEquals("B", d.get("workload"));
        assertEquals("2", d.get("threads"));
        assertEquals("float64", d.get("dtype"));
        double sps = Double.parseDouble(d.get("sps"));
        assertEquals(sps * MlpWorkload.FLOP_PER_STEP / 1e9, Double.parseDouble(d.get("gflops")), 0.01 + 1e-3 * sps);
    }

    @Test
    void workload_c_prints_the_backward_series_and_heap_samples() {
        List<Map<String, String>> rows = run("--workload", "C", "--max-nodes", "10000", "--episodes", "50",
                "--heap-every", "25");
        assertEquals(List.of("backward", "backward", "heap", "heap", "heap"),
                rows.stream().map(d -> d.get("part")).toList());
        assertEquals("1000", rows.get(0).get("nodes"));
        assertEquals("10000", rows.get(1).get("nodes"));
        assertEquals("1.00", rows.get(0).get("ratio_to_first"));
        assertEquals("50", rows.get(4).get("episodes"));
    }

    @Test
    void workload_c_runs_one_part_when_asked() {
        List<Map<String, String>> rows = run("--workload", "C", "--part", "heap", "--episodes", "10",
                "--heap-every", "10");
        assertEquals(List.of("heap", "heap"), rows.stream().map(d -> d.get("part")).toList());
    }

    @Test
    void bad_option_values_are_usage_errors() {
        for (String[] args : List.of(new String[] {"--workload", "A", "--kernel", "fast"},
                new String[] {"--workload", "C", "--part", "all"}, new String[] {"--workload", "A", "--threads", "0"},
                new String[] {"--workload", "D"}, new String[] {"--workload", "A", "--engine", "jit"})) {
            BenchCommand cmd = new BenchCommand();
            cmd.out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            CommandLine cl = new CommandLine(cmd);
            cl.setErr(new java.io.PrintWriter(new java.io.StringWriter()));
            assertNotEquals(0, cl.execute(args), String.join(" ", args));
        }
    }

    @Test
    void the_largest_matrix_size_is_what_three_matrices_in_the_heap_allow_and_an_int_can_index() {
        assertEquals(100, BenchCommand.largestSize(24L * 100 * 100));
        assertEquals(99, BenchCommand.largestSize(24L * 100 * 100 - 1));
        assertEquals(1, BenchCommand.largestSize(10));
        assertEquals(46_340, BenchCommand.largestSize(Long.MAX_VALUE));
        assertTrue(46_340L * 46_340 <= Integer.MAX_VALUE && 46_341L * 46_341 > Integer.MAX_VALUE);
    }

    @Test
    void a_size_beyond_the_heap_is_refused_with_the_heap_named() {
        int largest = BenchCommand.largestSize(Runtime.getRuntime().maxMemory());
        BenchCommand cmd = new BenchCommand();
        java.io.StringWriter err = new java.io.StringWriter();
        CommandLine cl = new CommandLine(cmd);
        cl.setErr(new java.io.PrintWriter(err));
        assertEquals(2, cl.execute("--workload", "MM", "--size", String.valueOf(largest + 1)));
        assertTrue(err.toString().contains("invalid value for option '--size': must be from 1 to " + largest
                + (largest < BenchCommand.MAX_SIZE ? " (three n x n matrices" : " (n^2 must fit")), err.toString());
    }
}
