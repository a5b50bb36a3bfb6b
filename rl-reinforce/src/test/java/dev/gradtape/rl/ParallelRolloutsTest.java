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
        TargetGame game = new TargetGame();
        return new Environment() {
            @Override
            public double[] reset(long seed) {
                return game.reset(seed);
            }

            @Override
            public StepResult step(double[] action) {
                beforeStep.run();
                return game.step(action);
            }

            @Override
            public int observationSize() {
                return game.observationSize();
            }

            @Override
            public int actionSize() {
                return game.actionSize();
            }

            @Override
            public double[] actionLow() {
                return game.actionLow();
            }

            @Override
            public double[] actionHigh() {
                return game.actionHigh();
            }

            @Override
            public int maxEpisodeSteps() {
                return game.maxEpisodeSteps();
            }
        };
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
