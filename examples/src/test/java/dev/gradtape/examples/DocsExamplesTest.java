package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.gradtape.autodiff.Function;
import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.Node;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.Value;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Losses;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.Sequential;
import dev.gradtape.nn.Tanh;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.PendulumRecipe;
import dev.gradtape.rl.Reinforce;
import dev.gradtape.testing.Domain;
import dev.gradtape.testing.GradCheckTheories;
import dev.gradtape.testing.TensorGenerators;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The code shown in docs/how-autodiff-works.md and docs/using-gradtape.md, compiled and run here
 * so that the docs cannot drift from the API.
 */
class DocsExamplesTest {
    /** softsign(x) = x / (1 + |x|); f'(x) = 1 / (1 + |x|)^2, also at 0, where |x| has its kink. */
    static final class Softsign extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].div(in[0].abs().add(1.0));
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            Tensor denominator = node.input(0).abs().add(1.0);
            return new Tensor[] {g.div(denominator.square())};
        }
    }

    /** A deliberately wrong backward (forgets the square), which the checks must catch. */
    static final class BrokenSoftsign extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].div(in[0].abs().add(1.0));
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.div(node.input(0).abs().add(1.0))};
        }
    }

    @Test
    void tapeSnippet() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(3.0));
            Tensor y = x.mul(x).add(x);
            Tensor dydx = tape.gradient(y, x);
            assertEquals(7.0, dydx.item(), 0.0);
        }
    }

    @Test
    void secondDerivativeWithNestedTapes() {
        Tensor x = Tensor.scalar(3.0);
        try (GradientTape outer = new GradientTape()) {
            outer.watch(x);
            Tensor dydx;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                Tensor y = x.pow(3.0);
                dydx = inner.gradient(y, x);
            }
            Tensor d2ydx2 = outer.gradient(dydx, x);
            assertEquals(27.0, dydx.item(), 1e-12);
            assertEquals(18.0, d2ydx2.item(), 1e-12);
        }
    }

    @Test
    void softsignPassesFirstAndSecondOrderChecks() {
        Tensor x = Tensor.vector(-2.0, -0.5, 0.3, 4.0);
        GradCheck.defaults().assertGradients(in -> new Softsign().apply(in.get(0)), x);
        GradCheck.defaults().assertSecondOrder(in -> new Softsign().apply(in.get(0)), x);
    }

    @Test
    void aWrongBackwardIsCaught() {
        Tensor x = Tensor.vector(-2.0, -0.5, 0.3, 4.0);
        GradCheck.Result r = GradCheck.defaults().check(in -> new BrokenSoftsign().apply(in.get(0)), x);
        assertFalse(r.passed());
        assertThrows(AssertionError.class,
                () -> GradCheck.defaults().assertGradients(in -> new BrokenSoftsign().apply(in.get(0)), x));
    }

    // ---- docs/using-gradtape.md: property-testing your own gradients

    @Test
    void softsignGradientsOnGeneratedVectors() {
        qt().withFixedSeed(20201L).withExamples(100)
                .forAll(lists().of(doubles().between(-50.0, 50.0)).ofSizeBetween(1, 8))
                .checkAssert(values -> {
                    Tensor x = Tensor.vector(values.stream().mapToDouble(Double::doubleValue).toArray());
                    GradCheck.defaults().assertGradients(in -> new Softsign().apply(in.get(0)), x);
                });
    }

    @Test
    void composedFunctionGradientsOnGeneratedScalars() {
        // f(a, b) = tanh(a * b) + a / (1 + b^2): any composition of gradtape operations is checkable.
        qt().withFixedSeed(20201L).withExamples(100)
                .forAll(doubles().between(-3.0, 3.0), doubles().between(-3.0, 3.0))
                .checkAssert((a, b) -> GradCheck.defaults().assertGradients(
                        in -> in.get(0).mul(in.get(1)).tanh().add(in.get(0).div(in.get(1).square().add(1.0))),
                        Tensor.scalar(a), Tensor.scalar(b)));
    }

    // ---- docs/using-gradtape.md: generated tensors from gradtape-testing

    @Test
    void gradientsOnTensorsOfEveryRank() {
        GradCheckTheories.assertGradients(TensorGenerators.tensors(Domain.REAL),
                x -> new Softsign().apply(x));
    }

    @Test
    void gradientsOfABroadcastingQuotient() {
        // (a, b) -> softsign(a) / b, with b kept away from 0 and the shapes broadcasting
        GradCheckTheories.assertGradients(TensorGenerators.tensorPairs(Domain.REAL, Domain.NONZERO),
                (a, b) -> new Softsign().apply(a).div(b));
    }

    // ---- docs/using-gradtape.md: scalars with Value

    @Test
    void valueNeedsAnOpenTape() {
        double dyda;
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(2.0, "a"), b = Value.of(-3.0, "b");
            Value y = a.mul(b).add(a.pow(2)).tanh();
            y.backward();
            dyda = a.grad();
        }
        // y = tanh(ab + a^2) = tanh(-2); dy/da = (1 - tanh^2(-2)) (b + 2a) = (1 - tanh^2(2)) * 1
        assertEquals(1 - Math.pow(Math.tanh(2.0), 2), dyda, 1e-12);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Value.of(1.0, "x"));
        assertTrue(e.getMessage().contains("no GradientTape is open"), e.getMessage());
    }

    // ---- docs/using-gradtape.md: a training step with nn alone

    @Test
    void nnTrainingStepFromTheDocs() {
        Tensor x = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.matrix(new double[][] {{0}, {1}, {1}, {2}});
        SplittableRandom rng = new SplittableRandom(7);                 // the initial weights' seed
        Sequential model = new Sequential(new Dense(2, 8, rng), new Tanh(), new Dense(8, 1, rng));
        Adam adam = new Adam(0.01);
        List<Parameter> params = model.trainableParameters();
        assertEquals(model.parameters(), params); // nothing frozen: the two lists agree
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 200; step++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor loss = Losses.meanSquaredError(model.forward(x), y);           // record
                List<Tensor> grads = tape.gradient(loss, Parameter.values(params));   // gradients
                adam.apply(params, grads);                                            // apply
                last = loss.item();
                if (step == 0) {
                    first = last;
                }
            }
        }
        assertTrue(last < first / 10, "loss " + first + " -> " + last);
    }

    // ---- docs/using-gradtape.md: record once, compile

    @Test
    void replayedTrainingStepFromTheDocsMatchesTheEagerOne() {
        Tensor batchX = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor batchY = Tensor.matrix(new double[][] {{0}, {1}, {1}, {2}});
        Sequential model = new Sequential(new Dense(2, 8, new SplittableRandom(7)), new Tanh(),
                new Dense(8, 1, new SplittableRandom(8)));
        Sequential twin = new Sequential(new Dense(2, 8, new SplittableRandom(7)), new Tanh(),
                new Dense(8, 1, new SplittableRandom(8)));
        Adam adam = new Adam(0.01);
        Adam twinAdam = new Adam(0.01);

        Tensor x = Tensor.zeros(4, 2);                      // example values: the step keeps the shapes
        Tensor y = Tensor.zeros(4, 1);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);                                  // inputs must be watched, so that every
            tape.watch(y);                                  // operation on them is recorded
            Tensor loss = Losses.meanSquaredError(model.forward(x), y);
            step = tape.compile(loss, Parameter.variables(model.parameters()), List.of(x, y));
        }
        for (int i = 0; i < 200; i++) {
            step.start();                                   // reads the parameters' current values
            step.set(x, batchX).set(y, batchY);             // this step's data
            step.run();                                     // the forward and backward passes
            adam.apply(model.parameters(), step.gradients()); // the update, in place

            try (GradientTape tape = new GradientTape()) {       // the same step on the eager tape
                Tensor loss = Losses.meanSquaredError(twin.forward(batchX), batchY);
                twinAdam.apply(twin.parameters(), tape.gradient(loss, Parameter.values(twin.parameters())));
            }
        }
        for (int k = 0; k < model.parameters().size(); k++) {
            assertTrue(model.parameters().get(k).value().valueEquals(twin.parameters().get(k).value()),
                    "parameter " + k + " after 200 replayed and 200 eager steps");
        }
        Tensor fit = model.forward(batchX);
        assertTrue(Losses.meanSquaredError(fit, batchY).item() < 0.05, "the replayed steps train");
    }

    // ---- docs/using-gradtape.md: a Reinforce run saved and restored

    @Test
    void aReinforceRunSavedAndRestoredAsTheDocsShowContinuesBitForBit(@org.junit.jupiter.api.io.TempDir Path dir) {
        long seed = 3;
        long episodes = 64;
        int threads = 2;
        Path state = dir.resolve("state.safetensors");
        GaussianPolicy policy = PendulumRecipe.policy(seed);
        Adam adam = PendulumRecipe.policyOptimizer(episodes);
        try (Reinforce run = PendulumRecipe.trainer(policy, adam, seed, episodes, threads)) {
            run.train(episodes / 2, null);
            run.saveState(state, Map.of("note", "my run"));
        }
        GaussianPolicy resumed = PendulumRecipe.policy(seed);
        try (Reinforce run = PendulumRecipe.trainer(resumed, PendulumRecipe.policyOptimizer(episodes),
                seed, episodes, threads)) {
            Map<String, String> mine = run.restoreState(state);
            assertEquals(Map.of("note", "my run"), mine);
            run.train(episodes, null);
        }
        GaussianPolicy straight = PendulumRecipe.policy(seed);
        try (Reinforce run = PendulumRecipe.trainer(straight, PendulumRecipe.policyOptimizer(episodes), seed,
                episodes, 1)) {
            run.train(episodes, null);
        }
        for (int k = 0; k < straight.parameters().size(); k++) {
            assertTrue(straight.parameters().get(k).value().valueEquals(resumed.parameters().get(k).value()),
                    straight.parameters().get(k).name());
        }
    }
}
