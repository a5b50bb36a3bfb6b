package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.NoRecording;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Checkpoint;
import dev.gradtape.nn.Parameter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A saved policy opened in PyTorch: {@code rl-reinforce/python/gradtape_policy.py}, run in a
 * child Python, rebuilds the network from the file's metadata alone and gives the same mu and
 * sigma as gradtape, to 1e-12 absolute, on 100 observations spread over the observation space.
 *
 * <p>Needs a python3 that imports torch (Debian: apt-get install python3-torch). It tries
 * {@code $GRADTAPE_PYTHON} if set, else {@code python3} on the PATH, then {@code /usr/bin/python3}
 * (a pyenv python3 on the PATH often lacks Debian's torch). Without one the tests are skipped,
 * unless {@code GRADTAPE_REQUIRE_TORCH=1} (as {@code .ci/run} sets), when they fail.
 */
class TorchInteropTest {
    /** The largest |gradtape - torch| allowed, for mu and sigma alike (both float64). */
    private static final double TOLERANCE = 1e-12;
    private static final int OBSERVATIONS = 100;
    private static final long CHILD_SECONDS = 120;
    private static final Path LOADER = Path.of("python", "gradtape_policy.py").toAbsolutePath();
    private static String python;
    private static String missing;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPythonWithTorch() {
        List<String> candidates = new ArrayList<>();
        String chosen = System.getenv("GRADTAPE_PYTHON");
        if (chosen != null && !chosen.isBlank()) {
            candidates.add(chosen);
        } else {
            candidates.add("python3");
            candidates.add("/usr/bin/python3");
        }
        List<String> tried = new ArrayList<>();
        for (String p : candidates) {
            String why = probe(p);
            if (why == null) {
                python = p;
                return;
            }
            tried.add(p + " (" + why + ")");
        }
        missing = "no python3 that imports torch: tried " + String.join(", ", tried)
                + "; so the PyTorch loader is not tested (Debian: apt-get install python3-torch,"
                + " or set GRADTAPE_PYTHON)";
    }

    /** {@return null if {@code p -c 'import torch'} succeeds, else why not} */
    private static String probe(String p) {
        try {
            Process proc = new ProcessBuilder(p, "-c", "import torch").redirectErrorStream(true).start();
            proc.getOutputStream().close();
            byte[] out = proc.getInputStream().readAllBytes();
            if (!proc.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return "timed out";
            }
            if (proc.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).strip();
                String[] lines = text.split("\n");
                return "exit " + proc.exitValue() + ": " + lines[lines.length - 1];
            }
            return null;
        } catch (IOException e) {
            return "cannot run: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void requireTorch() {
        if (python != null) {
            return;
        }
        if ("1".equals(System.getenv("GRADTAPE_REQUIRE_TORCH"))) {
            fail("GRADTAPE_REQUIRE_TORCH=1, but " + missing);
        }
        Assumptions.assumeTrue(false, missing);
    }

    // ---------------------------------------------------------------- the cases

    @Test
    void aTrainedPendulumPolicyGivesTheSameMuAndSigmaInTorch() {
        requireTorch();
        long seed = 7;
        GaussianPolicy policy = PendulumRecipe.policy(seed);
        Adam adam = PendulumRecipe.policyOptimizer(3000);
        Reinforce trainer = PendulumRecipe.trainer(policy, adam, seed, 3000);
        for (int i = 0; i < 4; i++) {
            trainer.update();
        }
        assertTrained(policy, PendulumRecipe.policy(seed));
        Path file = dir.resolve("policy.safetensors");
        PolicyCheckpoint.save(file, policy, adam); // optimizer/ entries too, which the loader skips
        SplittableRandom rng = new SplittableRandom(20261201);
        double[][] obs = new double[OBSERVATIONS][];
        for (int i = 0; i < OBSERVATIONS; i++) {
            // (cos theta, sin theta, thetadot): theta over the circle, thetadot over [-8, 8]
            double theta = -Math.PI + 2 * Math.PI * (i + rng.nextDouble()) / OBSERVATIONS;
            double thetaDot = rng.nextDouble(-Pendulum.MAX_SPEED, Pendulum.MAX_SPEED);
            obs[i] = new double[] {Math.cos(theta), Math.sin(theta), thetaDot};
        }
        assertSameInTorch("pendulum", PolicyCheckpoint.load(file), file, obs);
    }

    @Test
    void aTrainedArticlePolicyWithASoftplusHeadGivesTheSameMuAndSigmaInTorch() {
        requireTorch();
        GaussianPolicy policy = GaussianPolicy.article(3, GaussianPolicy.ARTICLE_SIGMA_BIAS, 0.05);
        Reinforce trainer = new Reinforce(policy, TargetGame::new, ReinforceSettings.article().optSeed(3).build());
        trainer.train(200, null);
        assertTrained(policy, GaussianPolicy.article(3, GaussianPolicy.ARTICLE_SIGMA_BIAS, 0.05));
        Path file = dir.resolve("article.safetensors");
        PolicyCheckpoint.save(file, policy, null);
        // the game's one observation is 1.0; a spread over [-4, 4] crosses the ReLU kinks too
        SplittableRandom rng = new SplittableRandom(11);
        double[][] obs = new double[OBSERVATIONS][];
        for (int i = 0; i < OBSERVATIONS; i++) {
            obs[i] = new double[] {i == 0 ? 1.0 : rng.nextDouble(-4, 4)};
        }
        assertSameInTorch("article", policy, file, obs);
    }

    /**
     * Every activation and both sigma designs, with and without a floor and an observation scale,
     * three hidden layers and two actions, all weights drawn at random (so no head is zero).
     * {@code sigmaBiasShift} pushes the softplus head's input above 20, where torch's own Softplus
     * would return its input and differ from log(1 + e^x) by about 2e-9.
     */
    @ParameterizedTest(name = "{0} {1} floor {2} scaled {3}")
    @CsvSource({
        "relu,     softplus_head, 0.05, true,  0",
        "tanh,     log_std,       0.0,  false, 0",
        "sigmoid,  softplus_head, 0.0,  true,  21",
        "softplus, log_std,       0.01, true,  0",
    })
    void everyArchitectureTheMetadataDescribesGivesTheSameMuAndSigmaInTorch(String activation, String sigma,
            double floor, boolean scaled, double sigmaBiasShift) {
        requireTorch();
        int[] layers = {4, 7, 6, 5, 2};
        double[] scale = scaled ? new double[] {1.0, 0.5, 0.125, 2.0} : null;
        PolicyArchitecture architecture = new PolicyArchitecture(layers,
                PolicyArchitecture.Activation.valueOf(activation.toUpperCase(Locale.ROOT)),
                PolicyArchitecture.Sigma.valueOf(sigma.toUpperCase(Locale.ROOT)), floor, scale);
        GaussianPolicy policy = architecture.newPolicy();
        SplittableRandom rng = new SplittableRandom(activation.hashCode());
        for (Parameter p : policy.parameters()) {
            Tensor t = Tensor.randn(rng, p.shape()).mul(0.7);
            p.assign(p.name().equals("sigma.bias") ? t.add(sigmaBiasShift) : t);
        }
        Path file = dir.resolve(activation + ".safetensors");
        PolicyCheckpoint.save(file, policy, null);
        double[][] obs = new double[OBSERVATIONS][];
        for (int i = 0; i < OBSERVATIONS; i++) {
            obs[i] = new double[] {rng.nextDouble(-3, 3), rng.nextDouble(-3, 3), rng.nextDouble(-8, 8),
                rng.nextDouble(-1, 1)};
        }
        assertSameInTorch(activation + "/" + sigma, PolicyCheckpoint.load(file), file, obs);
    }

    @Test
    void theLoaderRefusesMetadataItDoesNotUnderstandAndACorruptFile() throws IOException {
        requireTorch();
        GaussianPolicy policy = GaussianPolicy.article(1);
        Map<String, String> good = PolicyArchitecture.of(policy).toMetadata();

        Map<String, String> gelu = new java.util.LinkedHashMap<>(good);
        gelu.put("policy_activation", "gelu");
        Path geluFile = dir.resolve("gelu.safetensors");
        Checkpoint.save(geluFile, policy, null, gelu);
        String geluError = refused(geluFile);
        assertTrue(geluError.contains("policy_activation is 'gelu'"), geluError);
        assertTrue(geluError.contains("relu, tanh, sigmoid, softplus"), geluError);

        Map<String, String> squash = new java.util.LinkedHashMap<>(good);
        squash.put("policy_output_squash", "tanh");
        Path squashFile = dir.resolve("squash.safetensors");
        Checkpoint.save(squashFile, policy, null, squash);
        String squashError = refused(squashFile);
        assertTrue(squashError.contains("policy_output_squash"), squashError);
        assertTrue(squashError.contains("does not have"), squashError);

        Path corrupt = dir.resolve("corrupt.safetensors");
        PolicyCheckpoint.save(corrupt, policy, null);
        try (FileChannel ch = FileChannel.open(corrupt, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long last = ch.size() - 1; // a byte of the last tensor's data
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, last);
            b.put(0, (byte) (b.get(0) ^ 0x10));
            ch.write(b.rewind(), last);
        }
        String corruptError = refused(corrupt);
        assertTrue(corruptError.contains("CRC32C"), corruptError);
        assertTrue(corruptError.contains("corrupt"), corruptError);
    }

    // ---------------------------------------------------------------- docs/scaling.md

    private static final Path SCALING = Path.of("..", "docs", "scaling.md");

    /** docs/scaling.md's tables against the pendulum policy's real tensors and metadata. */
    @Test
    void theScalingDocsTablesAreThePendulumPolicysTensorsAndMetadata() throws IOException {
        String doc = Files.readString(SCALING);
        GaussianPolicy policy = PendulumRecipe.policy(0);
        for (Parameter p : policy.parameters()) {
            String shape = "(" + Arrays.stream(p.shape().dims()).mapToObj(Integer::toString)
                    .collect(java.util.stream.Collectors.joining(", ")) + ")";
            assertTrue(doc.contains("| `" + p.name() + "` | " + shape + " |"),
                    "docs/scaling.md should list " + p.name() + " of shape " + shape);
        }
        for (Map.Entry<String, String> e : PolicyArchitecture.of(policy).toMetadata().entrySet()) {
            assertTrue(doc.contains("| `" + e.getKey() + "` | `" + e.getValue() + "` |"),
                    "docs/scaling.md should give " + e.getKey() + " as " + e.getValue());
        }
        int heading = doc.indexOf("## Measured scaling over 1, 2 and 3 threads");
        assertTrue(heading >= 0, "the scaling section is missing");
    }

    /** The loading example of docs/scaling.md, run on a saved pendulum policy. */
    @Test
    void theScalingDocsLoadingExampleRuns() throws IOException {
        requireTorch();
        String doc = Files.readString(SCALING);
        int section = doc.indexOf("## Loading it");
        int start = doc.indexOf("```python\n", section) + "```python\n".length();
        String example = doc.substring(start, doc.indexOf("```", start));
        String path = "runs/pendulum-seed0/policy.safetensors";
        assertTrue(example.contains('"' + path + '"'), example);
        Path file = dir.resolve("policy.safetensors");
        PolicyCheckpoint.save(file, PendulumRecipe.policy(0), PendulumRecipe.policyOptimizer(100));
        String script = "import sys; sys.path.insert(0, " + pythonString(LOADER.getParent().toString()) + ")\n"
                + example.replace('"' + path + '"', pythonString(file.toString()))
                + "print(tuple(mu.shape), tuple(sigma.shape), tuple(action.shape), mu.dtype)\n";
        Path scriptFile = dir.resolve("example.py");
        write(scriptFile, script);
        Result r = exec(List.of(python, scriptFile.toString()));
        assertEquals(0, r.exit, "the example failed; stderr:\n" + r.stderr);
        assertEquals("(1, 1) (1, 1) (1, 1) torch.float64", r.stdout.strip());
    }

    private static String pythonString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    // ---------------------------------------------------------------- helpers

    private static void assertTrained(GaussianPolicy trained, GaussianPolicy initial) {
        boolean changed = false;
        for (int i = 0; i < trained.parameters().size(); i++) {
            changed |= !Arrays.equals(trained.parameters().get(i).value().toArray(),
                    initial.parameters().get(i).value().toArray());
        }
        assertTrue(changed, "training left every weight at its initial value");
    }

    /** Runs the loader on {@code file} and the observations; asserts mu and sigma agree to 1e-12. */
    private void assertSameInTorch(String label, GaussianPolicy policy, Path file, double[][] obs) {
        int n = obs.length;
        int in = policy.observationSize();
        int actions = policy.actionSize();
        double[] flat = new double[n * in];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < in; j++) {
                flat[i * in + j] = obs[i][j];
                text.append(j == 0 ? "" : " ").append(Double.toHexString(obs[i][j]));
            }
            text.append('\n');
        }
        double[] mu;
        double[] sigma;
        try (NoRecording off = GradientTape.noRecording()) {
            GaussianPolicy.Distribution d = policy.distribution(Tensor.of(flat, n, in));
            mu = d.mean().toArray();
            sigma = d.std().toArray(); // (actions) for log_std, broadcast below; else (n, actions)
        }
        Path in1 = dir.resolve(label.replace('/', '-') + ".observations.txt");
        Path out = dir.resolve(label.replace('/', '-') + ".torch.txt");
        write(in1, text.toString());
        run(file, "--evaluate", in1.toString(), out.toString());
        List<String> lines = read(out);
        assertEquals(n, lines.size(), "lines from the loader");
        double maxMu = 0;
        double maxSigma = 0;
        double maxRelative = 0;
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i).trim().split(" ");
            assertEquals(2 * actions, cells.length, "row " + i + ": " + lines.get(i));
            for (int j = 0; j < actions; j++) {
                double gm = mu[i * actions + j];
                double gs = sigma.length == actions ? sigma[j] : sigma[i * actions + j];
                double tm = Double.parseDouble(cells[j]);
                double ts = Double.parseDouble(cells[actions + j]);
                maxMu = Math.max(maxMu, Math.abs(gm - tm));
                maxSigma = Math.max(maxSigma, Math.abs(gs - ts));
                maxRelative = Math.max(maxRelative, Math.max(relative(gm, tm), relative(gs, ts)));
                assertTrue(gs > 0 && ts > 0, "sigma must be positive: " + gs + ", " + ts);
            }
        }
        System.out.printf(Locale.ROOT, "TorchInteropTest %s: %d observations, max |mu diff| %.3g,"
                + " max |sigma diff| %.3g, max relative diff %.3g%n", label, n, maxMu, maxSigma, maxRelative);
        assertTrue(maxMu <= TOLERANCE, label + ": mu differs by " + maxMu + " > " + TOLERANCE);
        assertTrue(maxSigma <= TOLERANCE, label + ": sigma differs by " + maxSigma + " > " + TOLERANCE);
    }

    private static double relative(double a, double b) {
        return a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    /** Runs the loader on {@code file}, expects exit 2, and returns its one-line stderr. */
    private String refused(Path file) {
        Result r = start(file);
        assertEquals(2, r.exit, "the loader should refuse " + file + "; stdout: " + r.stdout + " stderr: " + r.stderr);
        assertFalse(r.stderr.contains("Traceback"), "a message, not a traceback: " + r.stderr);
        assertTrue(r.stderr.startsWith("gradtape_policy: " + file), r.stderr);
        return r.stderr;
    }

    private void run(Path file, String... args) {
        Result r = start(file, args);
        assertEquals(0, r.exit, "the loader failed on " + file + "; stderr:\n" + r.stderr);
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /** The loader run on {@code file} with {@code args}. */
    private Result start(Path file, String... args) {
        assertTrue(Files.isRegularFile(LOADER), "the loader is missing: " + LOADER);
        List<String> command = new ArrayList<>(List.of(python, LOADER.toString(), file.toString()));
        command.addAll(List.of(args));
        return exec(command);
    }

    /** {@code command} in a child process, bounded by {@value #CHILD_SECONDS} s, its output in files. */
    private Result exec(List<String> command) {
        String name = "child." + System.nanoTime();
        Path stdout = dir.resolve(name + ".stdout");
        Path stderr = dir.resolve(name + ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(devNull()))
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(CHILD_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                fail("the child took over " + CHILD_SECONDS + " s: " + command + "; stderr:\n"
                        + Files.readString(stderr));
            }
            return new Result(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private java.io.File devNull() throws IOException {
        Path empty = dir.resolve("empty-stdin");
        if (!Files.exists(empty)) {
            Files.createFile(empty);
        }
        return empty.toFile();
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
