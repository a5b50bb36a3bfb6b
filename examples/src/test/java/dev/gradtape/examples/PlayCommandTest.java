package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Checkpoint;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.PendulumRecipe;
import dev.gradtape.rl.PolicyArchitecture;
import dev.gradtape.rl.PolicyCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code play}: a fresh pendulum policy plays back with the evaluation its run reported and the
 * same GIF; a file it cannot play is one line, exit code 2, and no change anywhere.
 */
class PlayCommandTest {
    @TempDir
    static Path shared;
    /** A short pendulum run (two updates): its policy cannot swing up, which does not matter here. */
    static Path run;
    static Cli.Run trained;
    /** A play run folder made earlier, which a refused play with --force must leave as it was. */
    static Path earlier;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainAndPlayOnce() {
        run = shared.resolve("pendulum-run");
        trained = Cli.run("pendulum", "--episodes", "32", "--eval-every", "16", "--seed", "2", "--out",
                run.toString(), "--quiet");
        assertEquals(0, trained.exitCode(), trained.err());
        earlier = shared.resolve("earlier-play");
        Cli.Run r = Cli.run("play", "--policy", run.resolve("policy.safetensors").toString(), "--out",
                earlier.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    private static String number(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertTrue(m.find(), text);
        return m.group(1);
    }

    @Test
    void aFreshPendulumPolicyPlaysWithTheEvaluationItsRunReportedAndTheSameGif() throws IOException {
        Path policy = run.resolve("policy.safetensors");
        byte[] before = Files.readAllBytes(policy);
        Path out = tmp.resolve("play");
        Cli.Run r = Cli.run("play", "--policy", policy.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());

        String reported = number(Pattern.compile("Evaluation return after 32 episodes: (-?[0-9]+\\.[0-9])"),
                trained.out());
        String played = number(Pattern.compile("Evaluation return of " + Pattern.quote(policy.toString())
                + ": (-?[0-9]+\\.[0-9]) \\(mean action, 10 episodes from start seeds 1000-1009\\)"), r.out());
        assertEquals(reported, played);

        // the run's own GIF and play's are of the same policy: the same bytes
        assertArrayEquals(Files.readAllBytes(run.resolve(PendulumAnimation.FILE)),
                Files.readAllBytes(out.resolve(PendulumAnimation.FILE)));
        assertArrayEquals(before, Files.readAllBytes(policy));

        Map<String, Object> record = RunFolder.readRecord(out).orElseThrow();
        assertEquals("play", record.get("command"));
        assertEquals("finished", record.get("status"));
        @SuppressWarnings("unchecked")
        Map<String, Object> options = (Map<String, Object>) record.get("options");
        assertEquals(policy.toAbsolutePath().toString(), options.get("--policy"));
        assertEquals(out.toAbsolutePath().toString(), options.get("--out"));
    }

    @Test
    void anotherPlayIntoTheSameFolderNeedsForce() throws IOException {
        Path out = tmp.resolve("again");
        String policy = run.resolve("policy.safetensors").toString();
        assertEquals(0, Cli.run("play", "--policy", policy, "--out", out.toString()).exitCode());
        Cli.Run again = Cli.run("play", "--policy", policy, "--out", out.toString());
        assertEquals(2, again.exitCode());
        assertTrue(again.firstErrorLine().startsWith("gradtape play: the output folder " + out + " already exists"), again.err());
        assertTrue(again.firstErrorLine().contains("pass --force to replace it"), again.err());
        assertEquals(0, Cli.run("play", "--policy", policy, "--out", out.toString(), "--force").exitCode());
    }

    // ---------------------------------------------------------------- files that cannot be played

    /** Every file under {@code root} with its bytes. */
    private static Map<String, String> snapshot(Path root) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                m.put(root.relativize(p).toString(), Files.isDirectory(p) ? "folder"
                        : Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return m;
    }

    /**
     * Plays {@code policy} into a new folder and, with --force, over the earlier play folder:
     * both times exit code 2 and exactly {@code message} as the only line, and nothing changes.
     */
    private void assertRefused(Path policy, String message) throws IOException {
        Map<String, String> before = snapshot(shared);
        Map<String, String> mine = snapshot(tmp);
        Path fresh = tmp.resolve("fresh-play");
        for (String[] args : new String[][] {
            {"play", "--policy", policy.toString(), "--out", fresh.toString()},
            {"play", "--policy", policy.toString(), "--out", earlier.toString(), "--force"}}) {
            Cli.Run r = Cli.run(args);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals("gradtape play: --policy " + policy + ": " + message + "\n", r.err());
            assertEquals("", r.out());
            assertFalse(Files.exists(fresh));
            assertEquals(before, snapshot(shared));
            assertEquals(mine, snapshot(tmp));
        }
    }

    private Map<String, String> pendulumMetadata() {
        return new LinkedHashMap<>(PolicyArchitecture.of(PendulumRecipe.policy(0)).toMetadata());
    }

    @Test
    void layerSizesThatDoNotMatchTheMetadata() throws IOException {
        Path file = tmp.resolve("lying.safetensors");
        Map<String, String> meta = pendulumMetadata();
        meta.put("policy_layers", "3,64,32,1");
        Checkpoint.save(file, PendulumRecipe.policy(0), null, meta);
        assertRefused(file, "parameter 'body.2.kernel' has shape (64, 64) in the file, but the architecture"
                + " (policy_layers 3,64,32,1, policy_sigma log_std) gives it shape (64, 32)");
    }

    @Test
    void aMissingOrBadKey() throws IOException {
        Path file = tmp.resolve("no-sigma.safetensors");
        Map<String, String> meta = pendulumMetadata();
        meta.remove("policy_sigma");
        Checkpoint.save(file, PendulumRecipe.policy(0), null, meta);
        assertRefused(file, "the metadata has no policy_sigma; a policy architecture of version 1 has all of"
                + " policy_format, policy_format_version, policy_layers, policy_activation, policy_sigma,"
                + " policy_sigma_floor, policy_observation_scale");

        Path tanh = tmp.resolve("gelu.safetensors");
        meta = pendulumMetadata();
        meta.put("policy_activation", "gelu");
        Checkpoint.save(tanh, PendulumRecipe.policy(0), null, meta);
        assertRefused(tanh, "policy_activation is 'gelu'; expected one of relu, tanh, sigmoid, softplus");
    }

    @Test
    void anArticleActor() throws IOException {
        Path article = tmp.resolve("article");
        assertEquals(0, Cli.run("article", "--episodes", "20", "--out", article.toString(), "-q").exitCode());
        assertRefused(article.resolve("actor.safetensors"), "not a pendulum policy: it records no policy"
                + " architecture (policy_format), and its first layer takes observations of 1 element(s)"
                + " (body.0.kernel (1, 5)), where Pendulum's have 3; play takes the policy.safetensors of a"
                + " gradtape pendulum run");
    }

    @Test
    void aPolicyWithAnArchitectureThatDoesNotFitPendulum() throws IOException {
        Path file = tmp.resolve("article-shaped.safetensors");
        PolicyCheckpoint.save(file, GaussianPolicy.article(1), null);
        assertRefused(file, "the policy takes observations of 1 and gives actions of 1 element(s); Pendulum's"
                + " have 3 and 1");
    }

    @Test
    void aPendulumPolicySavedBeforeTheArchitectureWasRecordedSaysHowToTrainItAgain() throws IOException {
        Path old = Files.createDirectories(tmp.resolve("old-run"));
        Files.copy(run.resolve(RunFolder.RECORD), old.resolve(RunFolder.RECORD));
        Path file = old.resolve("policy.safetensors");
        Checkpoint.save(file, PendulumRecipe.policy(2), PendulumRecipe.policyOptimizer(32));
        assertRefused(file, "this pendulum policy was saved before gradtape recorded the policy's architecture"
                + " in the file, so it cannot be rebuilt from it; train it again with gradtape pendulum"
                + " --config " + old.toAbsolutePath().resolve(RunFolder.RECORD) + " (into a new run folder),"
                + " whose policy.safetensors play reads");
    }

    @Test
    void aMissingFileOrAFolder() throws IOException {
        assertRefused(tmp.resolve("nothing.safetensors"), "no such file");
        assertRefused(run, "is a folder; give the policy.safetensors in it");
    }

    @Test
    void aCorruptOrTruncatedFile() throws IOException {
        byte[] good = Files.readAllBytes(run.resolve("policy.safetensors"));
        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 0x10;
        Path corrupt = Files.write(tmp.resolve("corrupt.safetensors"), flipped);
        Cli.Run r = Cli.run("play", "--policy", corrupt.toString(), "--out", tmp.resolve("x").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("gradtape play: --policy " + corrupt + ": the data section's CRC32C is "),
                r.err());
        assertTrue(r.err().endsWith("; the file is corrupt (changed after it was written)\n"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("x")));

        Path truncated = Files.write(tmp.resolve("truncated.safetensors"), Arrays.copyOf(good, 5));
        assertRefused(truncated, "the file has 5 bytes, fewer than the 8-byte header length that starts"
                + " every safetensors file (truncated?)");
    }

    @Test
    void thePolicysOwnFolderIsNotAnOutputFolder() throws IOException {
        Map<String, String> before = snapshot(shared);
        Cli.Run r = Cli.run("play", "--policy", run.resolve("policy.safetensors").toString(), "--out",
                run.toString(), "--force");
        assertEquals(2, r.exitCode());
        assertEquals("gradtape play: --out " + run + " is the folder that holds the policy; play writes a run"
                + " folder of its own (with --force it would replace the run that trained the policy); choose"
                + " another --out\n", r.err());
        assertEquals(before, snapshot(shared));
    }
}
