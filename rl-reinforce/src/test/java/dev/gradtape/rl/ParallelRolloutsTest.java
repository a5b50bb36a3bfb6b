package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Episodes collected on 1, 2 or 3 threads give the same run, bit for bit. */
class ParallelRolloutsTest {
    /** Every parameter's bits and every metric's bits of every update, in order. */
    private static List<Long> bits(Reinforce r, int updates) {
        List<Long> out = new ArrayList<>();
        for (int u = 0; u < updates; u++) {
            UpdateMetrics m = r.update();
            for (double v : new double[] {m.mu(), m.sigma(), m.action(), m.reward(), m.episodeReturn(), m.loss(),
                    m.gradientNorm(), m.learningRate(), m.valueLoss()}) {
                out.add(Double.doubleToRawLongBits(v));
            }
        }
        for (Parameter p : r.policy().parameters()) {
            for (double v : p.value().toArray()) {
                out.add(Double.doubleToRawLongBits(v));
            }
        }
        return out;
    }

    private static Reinforce pendulum(int threads) {
        Adam adam = PendulumRecipe.policyOptimizer(640);
        return PendulumRecipe.trainer(PendulumRecipe.policy(4), adam, 4, 640, threads);
    }

    private static Reinforce article(int threads) {
        // five one-step episodes per update, so that three threads have a share each
        return new Reinforce(GaussianPolicy.article(6), TargetGame::new, ReinforceSettings.article()
                .optEpisodesPerUpdate(5).optBaseline(Baseline.exponentialMean(0.01)).optSeed(6)
                .optThreads(threads).build());
    }

    @Test
    void oneTwoAndThreeThreadsGiveBitIdenticalPendulumRuns() {
        List<Long> one;
        try (Reinforce r = pendulum(1)) {
            one = bits(r, 3);
        }
        for (int threads = 2; threads <= 3; threads++) {
            try (Reinforce r = pendulum(threads)) {
                assertEquals(one, bits(r, 3), threads + " threads");
            }
        }
    }

    @Test
    void oneTwoAndThreeThreadsGiveBitIdenticalArticleRuns() {
        List<Long> one;
        try (Reinforce r = article(1)) {
            one = bits(r, 200);
        }
        for (int threads = 2; threads <= 3; threads++) {
            try (Reinforce r = article(threads)) {
                assertEquals(one, bits(r, 200), threads + " threads");
            }
        }
        // more threads than episodes: the surplus has nothing to do
        try (Reinforce r = article(8)) {
            assertEquals(one, bits(r, 200));
        }
    }

    /** A target game whose fifth instance fails on its first step. */
    private static Supplier<Environment> failingFifth(RuntimeException failure) {
        AtomicInteger made = new AtomicInteger();
        return () -> {
            int k = made.getAndIncrement();
            return gameWith(() -> {
                if (k == 4) {
                    throw failure;
                }
            });
        };
    }

    /** The article's target game, running {@code beforeStep} before each of its steps. */
    private static Environment gameWith(Runnable beforeStep) {
        return delegating(new TargetGame(), () -> { }, beforeStep);
    }

    /** {@code inner}, running {@code beforeReset} before each reset and {@code beforeStep} before each step. */
    private static Environment delegating(Environment inner, Runnable beforeReset, Runnable beforeStep) {
        return new Environment() {
            @Override
            public double[] reset(long seed) {
                beforeReset.run();
                return inner.reset(seed);
            }

            @Override
            public StepResult step(double[] action) {
                beforeStep.run();
                return inner.step(action);
            }

            @Override
            public int observationSize() {
                return inner.observationSize();
            }

            @Override
            public int actionSize() {
                return inner.actionSize();
            }

            @Override
            public double[] actionLow() {
                return inner.actionLow();
            }

            @Override
            public double[] actionHigh() {
                return inner.actionHigh();
            }

            @Override
            public int maxEpisodeSteps() {
                return inner.maxEpisodeSteps();
            }
        };
    }

    /** The article's game with a small value network for a baseline, counting episodes begun in {@code resets}. */
    private static Reinforce withValueNetwork(int threads, AtomicInteger resets) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        dev.gradtape.nn.Layer value = new dev.gradtape.nn.Sequential(
                new dev.gradtape.nn.Dense(1, 8, dev.gradtape.nn.Initializers.heNormal(),
                        dev.gradtape.nn.Initializers.zeros(), rng),
                new dev.gradtape.nn.ReLU(),
                new dev.gradtape.nn.Dense(8, 1, dev.gradtape.nn.Initializers.heNormal(),
                        dev.gradtape.nn.Initializers.zeros(), rng));
        return new Reinforce(GaussianPolicy.article(6), () -> delegating(new TargetGame(), resets::incrementAndGet, () -> { }),
                ReinforceSettings.article().optEpisodesPerUpdate(5).optSeed(6).optThreads(threads)
                        .optBaseline(new Baseline.ValueNetwork(value, Adam.builder().build(), 2, 4, false, 1.0)).build());
    }

    @Test
    void theNextBatchIsCollectedDuringTheValueFitAndTakenWhenThePolicyIsUnchanged() {
        AtomicInteger serialResets = new AtomicInteger();
        List<Long> one;
        try (Reinforce r = withValueNetwork(1, serialResets)) {
            one = bits(r, 20);
        }
        assertEquals(20 * 5, serialResets.get());
        AtomicInteger resets = new AtomicInteger();
        try (Reinforce r = withValueNetwork(2, resets)) {
            assertEquals(one, bits(r, 20));
        }
        // update 1 collects its own batch; during each update's fit the next one is collected,
        // and taken: 20 batches and the 21st, which no update used
        assertEquals(21 * 5, resets.get());
    }

    @Test
    void aBatchCollectedAheadIsDroppedWhenAParameterChangesBetweenUpdates() {
        List<List<Long>> runs = new ArrayList<>();
        List<Integer> resetCounts = new ArrayList<>();
        for (int threads = 1; threads <= 2; threads++) {
            AtomicInteger resets = new AtomicInteger();
            try (Reinforce r = withValueNetwork(threads, resets)) {
                List<Long> bits = new ArrayList<>(bits(r, 2));
                Parameter muBias = r.policy().parameters().stream()
                        .filter(p -> p.name().equals("mu.bias")).findFirst().orElseThrow();
                muBias.assign(dev.gradtape.autodiff.Tensor.full(3.5, 1)); // as a user might, between updates
                bits.addAll(bits(r, 2));
                runs.add(bits);
                resetCounts.add(resets.get());
            }
        }
        assertEquals(runs.get(0), runs.get(1));
        assertEquals(4 * 5, resetCounts.get(0));
        // updates 1-2 as above (3 batches); the batch collected during update 2 was dropped and
        // collected again, and update 4 collected update 5's
        assertEquals(6 * 5, resetCounts.get(1));
    }

    @Test
    void aWorkersExceptionIsThrownOnTheCallerAsItWas() {
        // six episodes on three threads: episodes 4 and 5 are the third share's, run by a worker
        IllegalStateException boom = new IllegalStateException("environment 4 broke");
        try (Reinforce r = new Reinforce(GaussianPolicy.article(1), failingFifth(boom), ReinforceSettings.article()
                .optEpisodesPerUpdate(6).optThreads(3).build())) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class, r::update);
            assertSame(boom, thrown);
            assertEquals(0, r.updates());
        }
    }

    @Test
    void aDivergedPolicyIsReportedFromTheWorkersToo() {
        GaussianPolicy policy = GaussianPolicy.article(1);
        for (Parameter p : policy.parameters()) {
            if (p.name().equals("mu.bias")) {
                p.assign(dev.gradtape.autodiff.Tensor.full(Double.NaN, 1));
            }
        }
        try (Reinforce r = new Reinforce(policy, TargetGame::new, ReinforceSettings.article()
                .optEpisodesPerUpdate(4).optThreads(2).build())) {
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class, r::update);
            assertTrue(e.getMessage().startsWith("Reinforce update 1: the policy sampled the action [NaN]"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(episode 0, step 0)"), e.getMessage()); // the lowest share's
        }
    }

    @Test
    void rolloutSharesRunTheirProductsSeriallyAndTheUpdateKeepsTheCallersThreads() {
        java.util.Set<Integer> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Supplier<Environment> recording = () -> gameWith(() -> {
            seen.add(dev.gradtape.autodiff.ComputeSettings.current().threads());
            threads.add(Thread.currentThread().getName());
        });
        dev.gradtape.autodiff.ComputeSettings three = dev.gradtape.autodiff.ComputeSettings.current().withThreads(3);
        try (var scope = three.apply();
                Reinforce r = new Reinforce(GaussianPolicy.article(1), recording, ReinforceSettings.article()
                        .optEpisodesPerUpdate(6).optThreads(3).build())) {
            r.update();
            assertEquals(java.util.Set.of(1), seen);
            assertEquals(3, threads.size(), threads.toString()); // the caller and two workers
            assertEquals(3, dev.gradtape.autodiff.ComputeSettings.current().threads());
        }
    }

    @Test
    void closingEndsTheRolloutThreadsAndRefusesMoreUpdates() throws InterruptedException {
        Reinforce r = article(3);
        r.update();
        List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gradtape-rollout-") && t.isAlive()).toList();
        assertTrue(workers.size() >= 2, workers.toString());
        assertTrue(workers.stream().allMatch(Thread::isDaemon));
        r.close();
        for (Thread t : workers) {
            t.join(10_000);
            assertTrue(!t.isAlive(), t + " still runs after close");
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, r::update);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        r.close(); // again: nothing
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optThreads(0).build());
    }
}
