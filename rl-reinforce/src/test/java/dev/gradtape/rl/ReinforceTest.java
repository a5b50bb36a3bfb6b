package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import dev.gradtape.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReinforceTest {
    @Test
    void articleSetupWithARunningMeanBaselineFindsTheTarget() {
        for (long seed = 1; seed <= 3; seed++) {
            ArticleBenchmark.Outcome o = ArticleBenchmark.run(seed, Baseline.exponentialMean(0.01), 10_001);
            assertTrue(Math.abs(o.mu() - 4.0) < 0.25 && o.sigma() < 0.25,
                    "seed " + seed + ": mu " + o.mu() + ", sigma " + o.sigma());
            assertTrue(o.lastRewardMean() > 0.95, "seed " + seed + ": late reward " + o.lastRewardMean());
        }
    }

    @Test
    void sameSeedGivesBitIdenticalParametersAfter1000Updates() {
        String a = ParameterHash.articleRun(42, 1000);
        String b = ParameterHash.articleRun(42, 1000);
        assertEquals(a, b);
        assertNotEquals(a, ParameterHash.articleRun(43, 1000));
        // batched episodes with a learned value baseline as well
        assertEquals(pendulumHash(7), pendulumHash(7));
    }

    @Test
    void sameSeedGivesTheSameParametersInAnotherJvm() throws Exception {
        String here = ParameterHash.articleRun(42, 1000);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", ChildJvm.classPath(ParameterHash.class),
                ParameterHash.class.getName(), "42", "1000").redirectErrorStream(true).start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = r.readLine();
        }
        assertEquals(0, p.waitFor());
        assertEquals(here, out);
    }

    private static String pendulumHash(long seed) {
        Reinforce r = PendulumBenchmark.trainer(seed, 64);
        r.train(16, null);
        return ParameterHash.of(r.policy().parameters());
    }

    @Test
    void listenerSeesEveryUpdateWithTheArticlesQuantities() {
        GaussianPolicy policy = GaussianPolicy.article(1);
        Reinforce r = new Reinforce(policy, TargetGame::new, ReinforceSettings.article().optSeed(1).build());
        List<UpdateMetrics> seen = new ArrayList<>();
        r.train(5, seen::add);
        assertEquals(5, seen.size());
        UpdateMetrics first = seen.get(0);
        assertEquals(1, first.update());
        assertEquals(1, first.episodes());
        assertEquals(0.0, first.mu(), 0.0);
        assertEquals(Math.log1p(Math.exp(0.55)), first.sigma(), 1e-15);
        // one step: reward = return = R(action), loss = -R log(pdf(a) + 1e-5)
        assertEquals(new TargetGame().reward(first.action()), first.reward(), 0.0);
        assertEquals(first.reward(), first.episodeReturn(), 0.0);
        double z = first.action() / first.sigma();
        double pdf = Math.exp(-0.5 * z * z) / (first.sigma() * Math.sqrt(2 * Math.PI));
        assertEquals(-first.reward() * Math.log(pdf + 1e-5), first.loss(), 1e-12);
        assertEquals(0.001, first.learningRate(), 0.0);
        assertTrue(first.gradientNorm() > 0);
        assertTrue(Double.isNaN(first.valueLoss()));
        assertEquals(5, seen.get(4).episodes());
        assertEquals(5, r.updates());
        assertTrue(first.toCsv().startsWith("1,1,0.0,"), first.toCsv());
    }

    @Test
    void runningMeanBaselinesFollowTheirFormulas() {
        // plain mean: b = mean of every reward so far; exponential: b += 0.1 (R - b); both from 0
        for (double rate : new double[] {0.0, 0.1}) {
            Reinforce r = new Reinforce(GaussianPolicy.article(2), TargetGame::new, ReinforceSettings.article()
                    .optBaseline(rate == 0 ? Baseline.runningMean() : Baseline.exponentialMean(rate)).optSeed(2).build());
            assertEquals(0.0, r.runningMeanBaseline(), 0.0);
            double sum = 0;
            double ema = 0;
            for (int k = 1; k <= 20; k++) {
                double reward = r.update().reward();
                sum += reward;
                ema += rate * (reward - ema);
                assertEquals(rate == 0 ? sum / k : ema, r.runningMeanBaseline(), 1e-15, "update " + k);
            }
        }
        Reinforce none = new Reinforce(GaussianPolicy.article(2), TargetGame::new, ReinforceSettings.article().build());
        assertTrue(Double.isNaN(none.runningMeanBaseline()));
    }

    @Test
    void returnsAreDiscountedRewardsToGo() {
        // a two-step environment with rewards 1 then 2: G_1 = 2, G_0 = 1 + gamma * 2
        GaussianPolicy policy = GaussianPolicy.article(1);
        Environment[] envs = {new TwoSteps(), new TwoSteps()};
        EpisodeBatch b = EpisodeBatch.collect(policy, envs, 0, 1);
        assertEquals(4, b.rows);
        assertEquals(2, b.episodes);
        assertArrayEquals(new double[] {2.0, 2.0, 2.0, 2.0}, b.returns(0.5, true), 0.0);
        assertArrayEquals(new double[] {1.5, 2.0, 1.5, 2.0}, b.returns(0.25, true), 1e-15);
        assertArrayEquals(new double[] {1.5, 1.5, 1.5, 1.5}, b.returns(0.25, false), 1e-15);
        assertArrayEquals(new double[] {0, 1, 0, 1}, new double[] {b.time[0], b.time[1], b.time[2], b.time[3]});
        assertEquals(3.0, b.meanEpisodeReturn(), 0.0);
    }

    @Test
    void evaluationRunsTheMeanAction() {
        GaussianPolicy policy = GaussianPolicy.article(1); // mu = 0 at the start
        assertEquals(new TargetGame().reward(0.0), Reinforce.evaluate(policy, TargetGame::new, 1, 2, 3), 0.0);
        Pendulum zeroTorque = new Pendulum();
        double expected = 0;
        for (long s : new long[] {1000, 1001}) {
            zeroTorque.reset(s);
            for (int t = 0; t < 200; t++) expected += zeroTorque.step(new double[] {0.0}).reward();
        }
        GaussianPolicy still = PendulumBenchmark.policy(0);
        for (Parameter p : still.parameters()) {
            if (p.name().startsWith("mu.")) p.assign(Tensor.zeros(p.shape()));
        }
        assertEquals(expected / 2, Reinforce.evaluate(still, Pendulum::new, 1000, 1001), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Reinforce.evaluate(still, Pendulum::new));
    }

    @Test
    void aTwoDimensionalActionLearnsBothElements() {
        SplittableRandom rng = new SplittableRandom(3);
        GaussianPolicy policy = GaussianPolicy.builder()
                .setBody(new Sequential(new Dense(1, 8, Initializers.heNormal(), Initializers.zeros(), rng), new ReLU()), 1, 8)
                .setActionSize(2).optStateIndependentSigma(1.0).build(rng);
        Reinforce r = new Reinforce(policy, TwoTargets::new, ReinforceSettings.builder()
                .setOptimizer(new Adam(0.02)).optEpisodesPerUpdate(32).optBaseline(Baseline.runningMean())
                .optNormalizeAdvantages(true).optSeed(5).build());
        r.train(32 * 300, null);
        double[] mu = policy.meanAction(new double[] {1.0});
        assertEquals(1.5, mu[0], 0.2);
        assertEquals(-1.0, mu[1], 0.2);
    }

    @Test
    void badSettingsThrowClearExceptions() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReinforceSettings.article().optDiscount(1.5).build());
        assertTrue(e.getMessage().contains("discount is 1.5") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optDiscount(-0.1).build());
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optDiscount(Double.NaN).build());
        e = assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optEpisodesPerUpdate(0).build());
        assertTrue(e.getMessage().contains("episodesPerUpdate is 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optEpisodesPerUpdate(-3).build());
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optEntropyCoefficient(-1).build());
        assertThrows(IllegalArgumentException.class, () -> ReinforceSettings.article().optMaxGradientNorm(0).build());
        assertThrows(NullPointerException.class, () -> ReinforceSettings.builder().build());
        assertThrows(IllegalArgumentException.class, () -> Baseline.exponentialMean(0));
        assertThrows(IllegalArgumentException.class, () -> new Baseline.ValueNetwork(
                new Dense(1, 1, new SplittableRandom(1)), new Adam(), 0, 1, false, 1));
        // an environment whose action size differs from the policy's
        e = assertThrows(IllegalArgumentException.class, () -> new Reinforce(GaussianPolicy.article(1),
                TwoTargets::new, ReinforceSettings.article().build()));
        assertTrue(e.getMessage().contains("actions of 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Reinforce(GaussianPolicy.article(1),
                Pendulum::new, ReinforceSettings.article().build()));
        assertTrue(e.getMessage().contains("observations of 3"), e.getMessage());
    }

    @Test
    void aNonFiniteParameterStopsTrainingNamingTheUpdate() {
        GaussianPolicy policy = GaussianPolicy.article(1);
        Reinforce r = new Reinforce(policy, TargetGame::new, ReinforceSettings.article().optSeed(1).build());
        r.train(3, null);
        Parameter muBias = policy.parameters().get(5);
        muBias.assign(Tensor.vector(Double.NaN));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, r::update);
        assertEquals(4, e.update());
        assertTrue(e.getMessage().startsWith("Reinforce update 4:") && e.getMessage().contains("NaN"), e.getMessage());
        // an infinite learning rate makes the parameters infinite: caught after the step
        GaussianPolicy p2 = GaussianPolicy.article(2);
        Reinforce blowUp = new Reinforce(p2, TargetGame::new, ReinforceSettings.builder()
                .setOptimizer(new dev.gradtape.nn.Sgd(1e308)).optSeed(2).build());
        TrainingDivergedException e2 = assertThrows(TrainingDivergedException.class, () -> blowUp.train(100, null));
        assertTrue(e2.getMessage().contains("update " + e2.update()), e2.getMessage());
    }

    @Test
    void gradientClippingBoundsTheStepAndTheReportedNormIsBeforeClipping() {
        GaussianPolicy policy = GaussianPolicy.article(4);
        double[] before = flat(policy);
        // plain SGD with learning rate 1: the parameter change is exactly the clipped gradient
        Reinforce r = new Reinforce(policy, TargetGame::new, ReinforceSettings.builder()
                .setOptimizer(new dev.gradtape.nn.Sgd(1.0)).optMaxGradientNorm(1e-3).optSeed(4).build());
        UpdateMetrics m = r.update();
        double[] after = flat(policy);
        double step = 0;
        for (int i = 0; i < before.length; i++) step += (after[i] - before[i]) * (after[i] - before[i]);
        assertTrue(m.gradientNorm() > 1e-3, "unclipped norm " + m.gradientNorm());
        assertEquals(1e-3, Math.sqrt(step), 1e-12);
    }

    @Test
    void anEntropyBonusAloneMakesSigmaGrow() {
        // rewards all 0 (beta tiny and the advantage normalised away), so only the bonus acts
        GaussianPolicy policy = GaussianPolicy.article(6, GaussianPolicy.UNIT_SIGMA_BIAS);
        Reinforce r = new Reinforce(policy, () -> new TargetGame(1e-300, 4, 0.25), ReinforceSettings.builder()
                .setOptimizer(new Adam(0.01)).optEntropyCoefficient(1.0).optSeed(6).build());
        r.train(50, null);
        double sigma = policy.distribution(Tensor.of(new double[] {1.0}, 1, 1)).std().item();
        assertTrue(sigma > 1.3, "sigma " + sigma);
    }

    @Test
    void aLearnedValueBaselineFitsAndReportsItsLoss() {
        Reinforce r = PendulumBenchmark.trainer(2, 64);
        UpdateMetrics first = r.update();
        UpdateMetrics second = r.update();
        assertTrue(Double.isFinite(first.valueLoss()) && first.valueLoss() > 0, "value loss " + first.valueLoss());
        assertTrue(second.valueLoss() < first.valueLoss(), first.valueLoss() + " -> " + second.valueLoss());
        assertEquals(32, second.episodes());
        assertEquals(-1200, second.episodeReturn(), 600); // a random policy on Pendulum
        assertEquals(1.0, second.sigma(), 0.05);
    }

    private static double[] flat(GaussianPolicy p) {
        List<Double> v = new ArrayList<>();
        for (Parameter q : p.parameters()) for (double x : q.value().toArray()) v.add(x);
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** Two steps with rewards 1 and 2, whatever the action. */
    private static final class TwoSteps implements Environment {
        private int t;

        @Override
        public double[] reset(long seed) {
            t = 0;
            return new double[] {1.0};
        }

        @Override
        public StepResult step(double[] action) {
            t++;
            return new StepResult(new double[] {1.0}, t, false, t == 2);
        }

        @Override
        public int observationSize() {
            return 1;
        }

        @Override
        public int actionSize() {
            return 1;
        }

        @Override
        public double[] actionLow() {
            return new double[] {Double.NEGATIVE_INFINITY};
        }

        @Override
        public double[] actionHigh() {
            return new double[] {Double.POSITIVE_INFINITY};
        }

        @Override
        public int maxEpisodeSteps() {
            return 2;
        }
    }

    /** One step, two action elements, reward -|a - (1.5, -1)|^2. */
    private static final class TwoTargets implements Environment {
        @Override
        public double[] reset(long seed) {
            return new double[] {1.0};
        }

        @Override
        public StepResult step(double[] a) {
            double r = -((a[0] - 1.5) * (a[0] - 1.5) + (a[1] + 1.0) * (a[1] + 1.0));
            return new StepResult(new double[] {1.0}, r, true, false);
        }

        @Override
        public int observationSize() {
            return 1;
        }

        @Override
        public int actionSize() {
            return 2;
        }

        @Override
        public double[] actionLow() {
            return new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
        }

        @Override
        public double[] actionHigh() {
            return new double[] {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        }

        @Override
        public int maxEpisodeSteps() {
            return 1;
        }
    }
}
