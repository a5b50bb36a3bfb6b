package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Adam;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run saved after some updates, restored into a new run and continued, is the uninterrupted run. */
class ResumeStateTest {
    @TempDir
    Path tmp;

    /** The bits of every metric of {@code updates} updates, then of every parameter. */
    private static List<Long> bits(Reinforce r, int updates) {
        List<Long> out = new ArrayList<>();
        for (int u = 0; u < updates; u++) {
            UpdateMetrics m = r.update();
            out.add(m.update());
            out.add(m.episodes());
            for (double v : new double[] {m.mu(), m.sigma(), m.action(), m.reward(), m.episodeReturn(), m.loss(),
                    m.gradientNorm(), m.learningRate(), m.valueLoss()}) {
                out.add(Double.doubleToRawLongBits(v));
            }
        }
        out.addAll(parameterBits(r));
        return out;
    }

    private static List<Long> parameterBits(Reinforce r) {
        List<Long> out = new ArrayList<>();
        for (Parameter p : r.policy().parameters()) {
            for (double v : p.value().toArray()) {
                out.add(Double.doubleToRawLongBits(v));
            }
        }
        out.add(Double.doubleToRawLongBits(r.runningMeanBaseline()));
        return out;
    }

    private static Reinforce pendulum(int threads) {
        Adam adam = PendulumRecipe.policyOptimizer(640);
        return PendulumRecipe.trainer(PendulumRecipe.policy(5), adam, 5, 640, threads);
    }

    private static Supplier<Reinforce> article(Baseline baseline) {
        return () -> new Reinforce(GaussianPolicy.article(8), TargetGame::new, ReinforceSettings.article()
                .setOptimizer(new Adam(0.01)).optBaseline(baseline).optSeed(8).build());
    }

    /** Runs {@code first + then} updates straight, and {@code first}, save, restore, {@code then}. */
    private void assertResumeIsSeamless(Supplier<Reinforce> make, Supplier<Reinforce> makeOther, int first,
            int then) {
        List<Long> straight;
        try (Reinforce r = make.get()) {
            bits(r, first);
            straight = bits(r, then);
        }
        Path file = tmp.resolve("state-" + first + ".safetensors");
        try (Reinforce r = make.get()) {
            bits(r, first);
            r.saveState(file, Map.of("note", "hello"));
        }
        try (Reinforce r = makeOther.get()) {
            assertEquals(Map.of("note", "hello"), r.restoreState(file));
            assertEquals(first, r.updates());
            assertEquals(straight, bits(r, then));
        }
    }

    @Test
    void aPendulumRunResumedFromItsStateContinuesBitForBit() {
        // restored into a run on another thread count, which gives the same bits
        assertResumeIsSeamless(() -> pendulum(1), () -> pendulum(2), 3, 3);
    }

    @Test
    void anArticleRunResumedFromItsStateContinuesBitForBit() {
        assertResumeIsSeamless(article(Baseline.exponentialMean(0.01)), article(Baseline.exponentialMean(0.01)),
                500, 500);
        assertResumeIsSeamless(article(Baseline.runningMean()), article(Baseline.runningMean()), 300, 300);
        assertResumeIsSeamless(article(Baseline.none()), article(Baseline.none()), 300, 300);
    }

    @Test
    void aStateThatDoesNotFitIsRefusedAndChangesNothing() throws IOException {
        Path file = tmp.resolve("state.safetensors");
        try (Reinforce r = article(Baseline.exponentialMean(0.01)).get()) {
            bits(r, 50);
            r.saveState(file, Map.of());
        }
        byte[] good = Files.readAllBytes(file);
        Path cut = Files.write(tmp.resolve("cut.safetensors"), Arrays.copyOf(good, good.length - 9));
        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 1;
        Path bad = Files.write(tmp.resolve("flipped.safetensors"), flipped);
        Reinforce fresh = article(Baseline.exponentialMean(0.01)).get();
        List<Long> before = parameterBits(fresh);
        for (Path p : List.of(cut, bad, tmp.resolve("missing.safetensors"))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> fresh.restoreState(p));
            assertTrue(e instanceof CheckpointException || e instanceof java.io.UncheckedIOException, e.toString());
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        }
        // another seed, another baseline
        Reinforce otherSeed = new Reinforce(GaussianPolicy.article(8), TargetGame::new, ReinforceSettings.article()
                .setOptimizer(new Adam(0.01)).optBaseline(Baseline.exponentialMean(0.01)).optSeed(9).build());
        CheckpointException seed = assertThrows(CheckpointException.class, () -> otherSeed.restoreState(file));
        assertTrue(seed.getMessage().endsWith("the file continues a run of seed 8, but this run's seed is 9"),
                seed.getMessage());
        Reinforce noBaseline = article(Baseline.none()).get();
        CheckpointException extra = assertThrows(CheckpointException.class, () -> noBaseline.restoreState(file));
        assertTrue(extra.getMessage().contains("'baseline/running_mean'"), extra.getMessage());
        // a pendulum state into an article run: the parameters differ
        Path pendulumState = tmp.resolve("pendulum.safetensors");
        try (Reinforce p = pendulum(1)) {
            p.saveState(pendulumState, Map.of());
        }
        Reinforce articleRun = new Reinforce(GaussianPolicy.article(5), TargetGame::new, ReinforceSettings.article()
                .optEpisodesPerUpdate(16).optSeed(5).build());
        assertThrows(CheckpointException.class, () -> articleRun.restoreState(pendulumState));
        assertEquals(before, parameterBits(fresh));
        assertEquals(0, fresh.updates());
        assertEquals(0, fresh.settings().optimizer().iterations());
        assertThrows(IllegalArgumentException.class, () -> fresh.saveState(file, Map.of("seed", "3")));
        // intact files (their checksums right) whose counters are out of range or disagree
        dev.gradtape.nn.SafeTensors.Contents c = dev.gradtape.nn.SafeTensors.readContents(file);
        String[][] edits = {{"episodes", "51"}, {"updates", "99999999999"}, {"updates", "-1"},
            {"baseline_count", "x"}, {"format_version", "2"}};
        String[] says = {"the counters disagree", "metadata 'updates' is '99999999999'", "metadata 'updates' is '-1'",
            "metadata 'baseline_count' is 'x'", "format_version is 2"};
        for (int k = 0; k < edits.length; k++) {
            Map<String, String> m = new java.util.LinkedHashMap<>(c.metadata());
            m.remove(dev.gradtape.nn.SafeTensors.CHECKSUM_KEY);
            m.put(edits[k][0], edits[k][1]);
            Path edited = tmp.resolve("edited-" + k + ".safetensors");
            dev.gradtape.nn.SafeTensors.write(edited, c.tensors(), m);
            CheckpointException e = assertThrows(CheckpointException.class, () -> fresh.restoreState(edited));
            assertTrue(e.getMessage().contains(says[k]), e.getMessage());
        }
        assertEquals(before, parameterBits(fresh));
        assertEquals(0, fresh.updates());
    }
}
