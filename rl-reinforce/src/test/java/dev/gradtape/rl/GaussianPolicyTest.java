package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Layer;
import dev.gradtape.nn.Parameter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianPolicyTest {
    /** A body without parameters that passes its input through: a linear policy. */
    private static final Layer IDENTITY = new Layer() {
        @Override
        public Tensor forward(Tensor input) {
            return input;
        }

        @Override
        public List<Parameter> parameters() {
            return List.of();
        }
    };
    private static final Tensor ONE = Tensor.of(new double[] {1.0}, 1, 1);

    @Test
    void articleActorHasTheArticlesShapeAndStart() {
        GaussianPolicy p = GaussianPolicy.article(1);
        List<String> names = p.parameters().stream().map(Parameter::name).toList();
        assertEquals(List.of("body.0.kernel", "body.0.bias", "body.2.kernel", "body.2.bias",
                "mu.kernel", "mu.bias", "sigma.kernel", "sigma.bias"), names);
        assertEquals(1 * 5 + 5 + 5 * 5 + 5 + 5 + 1 + 5 + 1, p.parameterCount());
        GaussianPolicy.Distribution d = p.distribution(ONE);
        assertEquals(0.0, d.mean().item(), 0.0);
        assertEquals(Math.log1p(Math.exp(0.55)), d.std().item(), 1e-15); // softplus(0.55) = 1.0055
        assertEquals(1.0055, d.std().item(), 1e-4);
        GaussianPolicy exact = GaussianPolicy.article(1, GaussianPolicy.UNIT_SIGMA_BIAS);
        assertEquals(1.0, exact.distribution(ONE).std().item(), 1e-15);
        assertEquals(0.5413, GaussianPolicy.UNIT_SIGMA_BIAS, 1e-4);
    }

    @Test
    void withZeroHeadKernelsTheHiddenLayersGetNoGradientOnTheFirstStep() {
        // seed.md: the article's zero head kernels block the gradient to the body at first.
        GaussianPolicy p = GaussianPolicy.article(3);
        List<Parameter> params = p.trainableParameters();
        List<Tensor> g;
        try (GradientTape tape = new GradientTape()) {
            GaussianPolicy.Distribution d = p.distribution(ONE);
            Tensor loss = GaussianLoss.weighted(Tensor.of(new double[] {2.0}, 1, 1), d.mean(), d.std(),
                    Tensor.vector(0.5), LogDensity.ARTICLE);
            g = tape.gradient(loss, Parameter.values(params));
        }
        for (int i = 0; i < 4; i++) {
            assertEquals(0.0, maxAbs(g.get(i)), 0.0, params.get(i).name());
        }
        assertTrue(maxAbs(g.get(5)) > 0, "mu bias gets a gradient");
        assertTrue(maxAbs(g.get(7)) > 0, "sigma bias gets a gradient");
    }

    @Test
    void samplingIsSeededAndMatchesMuPlusSigmaXi() {
        GaussianPolicy p = GaussianPolicy.article(5);
        double[] a1 = p.sample(new double[] {1.0}, new SplittableRandom(9));
        double[] a2 = p.sample(new double[] {1.0}, new SplittableRandom(9));
        assertArrayEquals(a1, a2);
        double xi = new SplittableRandom(9).nextGaussian();
        assertEquals(0.0 + Math.log1p(Math.exp(0.55)) * xi, a1[0], 1e-15);
        assertNotEquals(a1[0], p.sample(new double[] {1.0}, new SplittableRandom(10))[0]);
        assertArrayEquals(new double[] {0.0}, p.meanAction(new double[] {1.0}));
    }

    @Test
    void aRowsSampleDependsOnItsOwnGeneratorNotOnItsBatchMates() {
        GaussianPolicy p = PendulumBenchmark.policy(3);
        Tensor obs = Tensor.randn(9, 5, 3);
        java.util.function.IntFunction<SplittableRandom> stream = i -> new SplittableRandom(100 + i);
        SplittableRandom[] all = new SplittableRandom[5];
        for (int i = 0; i < 5; i++) all[i] = stream.apply(i);
        double[] together = p.sample(obs, all).toArray();
        for (int i = 0; i < 5; i++) {
            Tensor row = Tensor.of(java.util.Arrays.copyOfRange(obs.toArray(), 3 * i, 3 * i + 3), 1, 3);
            double alone = p.sample(row, new SplittableRandom[] {stream.apply(i)}).item();
            assertEquals(Double.doubleToLongBits(together[i]), Double.doubleToLongBits(alone), "row " + i);
            // mu + sigma xi with xi the row's own first draw
            double mu = p.meanActions(row).item();
            double sigma = p.distribution(row).std().item();
            assertEquals(mu + sigma * stream.apply(i).nextGaussian(), alone, 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> p.sample(obs, new SplittableRandom[4]));
    }

    @Test
    void samplingInsideAnOpenTapeRecordsNothing() {
        GaussianPolicy p = GaussianPolicy.article(5);
        try (GradientTape tape = new GradientTape()) {
            Tensor a = p.sample(ONE, new SplittableRandom(1));
            p.meanAction(new double[] {1.0});
            assertEquals(0, tape.size());
            assertTrue(!tape.isTracked(a));
        }
    }

    @Test
    void stateIndependentSigmaWithSeveralActionElementsAndAFloor() {
        SplittableRandom rng = new SplittableRandom(2);
        GaussianPolicy p = GaussianPolicy.builder()
                .setBody(GaussianPolicy.reluBody(3, new int[] {8}, rng), 3, 8)
                .setActionSize(2)
                .optStateIndependentSigma(0.5)
                .optSigmaFloor(0.1)
                .optMuKernelInit(new OrthogonalInitializer(1.0))
                .build(rng);
        assertTrue(p.stateIndependentSigma());
        assertEquals("logStd", p.parameters().get(p.parameters().size() - 1).name());
        Tensor obs = Tensor.randn(rng, 4, 3);
        GaussianPolicy.Distribution d = p.distribution(obs);
        assertEquals(List.of(4, 2), List.of(d.mean().shape().dim(0), d.mean().shape().dim(1)));
        assertArrayEquals(new double[] {0.6, 0.6}, d.std().toArray(), 1e-15);
        Tensor a = p.sample(obs, new SplittableRandom(4));
        assertEquals(8, a.size());
        // log pi sums the two independent elements' log-densities
        Tensor lp = p.logProbability(obs, a, LogDensity.EXACT);
        double[] mu = d.mean().toArray();
        double[] av = a.toArray();
        for (int r = 0; r < 4; r++) {
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                double z = (av[r * 2 + j] - mu[r * 2 + j]) / 0.6;
                expected += -0.5 * z * z - Math.log(0.6) - 0.5 * Math.log(2 * Math.PI);
            }
            assertEquals(expected, lp.toArray()[r], 1e-12);
        }
    }

    @Test
    void observationScaleIsAppliedBeforeTheBody() {
        SplittableRandom rng = new SplittableRandom(2);
        GaussianPolicy linear = GaussianPolicy.builder().setBody(IDENTITY, 2, 2).setActionSize(1)
                .optMuKernelInit((shape, in, out, r) -> Tensor.of(new double[] {1.0, 1.0}, 2, 1))
                .optObservationScale(1.0, 0.125).build(rng);
        assertArrayEquals(new double[] {3.0 + 1.0}, linear.meanAction(new double[] {3.0, 8.0}), 1e-15);
        assertArrayEquals(new double[] {1.0, 0.125}, linear.observationScale());
    }

    @Test
    void badInputsAreRejectedClearly() {
        GaussianPolicy p = GaussianPolicy.article(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.meanAction(new double[] {1.0, 2.0}));
        assertTrue(e.getMessage().contains("length 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> p.distribution(Tensor.zeros(3, 2)));
        SplittableRandom rng = new SplittableRandom(1);
        assertThrows(IllegalArgumentException.class, () -> GaussianPolicy.builder().setActionSize(1).build(rng));
        assertThrows(IllegalArgumentException.class, () -> GaussianPolicy.builder()
                .setBody(IDENTITY, 1, 1).setActionSize(0).build(rng));
        assertThrows(IllegalArgumentException.class, () -> GaussianPolicy.builder()
                .setBody(IDENTITY, 1, 1).setActionSize(1).optSigmaFloor(-1).build(rng));
        assertThrows(IllegalArgumentException.class, () -> GaussianPolicy.builder()
                .setBody(IDENTITY, 1, 1).setActionSize(1).optStateIndependentSigma(0).build(rng));
        assertThrows(IllegalArgumentException.class, () -> GaussianPolicy.builder()
                .setBody(IDENTITY, 1, 1).setActionSize(1).optObservationScale(1, 2).build(rng));
    }

    @Test
    void orthogonalInitializerGivesOrthonormalColumnsOrRows() {
        OrthogonalInitializer init = new OrthogonalInitializer(2.0);
        for (int[] s : new int[][] {{6, 3}, {3, 6}, {4, 4}}) {
            Tensor w = init.initialize(dev.gradtape.autodiff.Shape.of(s), s[0], s[1], new SplittableRandom(7));
            Tensor gram = s[0] >= s[1] ? w.transpose().matmul(w) : w.matmul(w.transpose());
            int n = Math.min(s[0], s[1]);
            double[] gv = gram.toArray();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(i == j ? 4.0 : 0.0, gv[i * n + j], 1e-12, "gram " + i + "," + j);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new OrthogonalInitializer(0));
    }

    @Test
    void aPolicyIsAModuleThatCheckpointsRoundTrip(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        GaussianPolicy trained = GaussianPolicy.article(1);
        dev.gradtape.nn.Adam adam = new dev.gradtape.nn.Adam(0.001);
        new Reinforce(trained, TargetGame::new, ReinforceSettings.builder().setOptimizer(adam)
                .optLogDensity(LogDensity.ARTICLE).optSeed(1).build()).train(200, null);
        java.nio.file.Path file = dir.resolve("policy.safetensors");
        dev.gradtape.nn.Checkpoint.save(file, trained, adam);
        GaussianPolicy fresh = GaussianPolicy.article(99);
        dev.gradtape.nn.Adam freshAdam = new dev.gradtape.nn.Adam(0.001);
        dev.gradtape.nn.Checkpoint.load(file, fresh, freshAdam);
        assertEquals(ParameterHash.of(trained.parameters()), ParameterHash.of(fresh.parameters()));
        assertEquals(200, freshAdam.iterations());
        assertArrayEquals(trained.meanAction(new double[] {1.0}), fresh.meanAction(new double[] {1.0}));
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (double v : t.toArray()) m = Math.max(m, Math.abs(v));
        return m;
    }
}
