package dev.gradtape.nn;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Dense, every activation and every loss pass autodiff-core's {@link GradCheck} (central finite
 * differences, PyTorch's tolerances) on generated shapes, batches and values.
 */
class GradientProperties {
    private static final int EXAMPLES = 40;
    /** Fixed, so a failure reproduces; change it to explore other inputs. */
    private static final long SEED = 20261125L;

    /** Standard normal values, pushed away from 0 where a kink (relu, abs) would confuse the check. */
    private static Tensor awayFromZero(SplittableRandom rng, int... shape) {
        double[] d = Tensor.randn(rng, shape).toArray();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(d[i]) < 0.05) {
                d[i] = d[i] < 0 ? -0.5 : 0.5;
            }
        }
        return Tensor.of(d, shape);
    }

    @Test
    void dense_input_kernel_and_bias_gradients() {
        qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(integers().between(1, 6), integers().between(1, 5),
                integers().between(1, 5), longs().all()).checkAssert((batch, in, out, seed) -> {
                    SplittableRandom rng = new SplittableRandom(seed);
                    Dense dense = new Dense(in, out, Initializers.glorotUniform(),
                            Initializers.constant(0.1), rng);
                    GradCheck.defaults().assertGradients(xs -> {
                        dense.kernel().bind(xs.get(1));
                        dense.bias().bind(xs.get(2));
                        return dense.forward(xs.get(0));
                    }, Tensor.randn(rng, batch, in), Tensor.randn(rng, in, out), Tensor.randn(rng, out));
                });
    }

    @Test
    void every_activation() {
        List<Supplier<Layer>> activations = List.of(ReLU::new, Tanh::new, Sigmoid::new, Softplus::new);
        qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(integers().between(1, 6), integers().between(1, 6),
                integers().between(0, activations.size() - 1), longs().all())
                .checkAssert((batch, width, which, seed) -> {
                    Layer act = activations.get(which).get();
                    Tensor x = awayFromZero(new SplittableRandom(seed), batch, width).mul(3);
                    GradCheck.defaults().assertGradients(xs -> act.forward(xs.get(0)), x);
                });
    }

    @Test
    void a_small_mlp_end_to_end() {
        qt().withFixedSeed(SEED).withExamples(15).forAll(integers().between(1, 4), integers().between(1, 4), longs().all())
                .checkAssert((batch, hidden, seed) -> {
                    SplittableRandom rng = new SplittableRandom(seed);
                    Dense first = new Dense(3, hidden, rng);
                    Dense last = new Dense(hidden, 2, Initializers.heNormal(), Initializers.constant(0.2), rng);
                    Sequential model = new Sequential(first, new Tanh(), last, new Softplus());
                    GradCheck.defaults().assertGradients(xs -> {
                        first.kernel().bind(xs.get(1));
                        last.kernel().bind(xs.get(2));
                        return model.forward(xs.get(0));
                    }, Tensor.randn(rng, batch, 3), first.kernel().value(), last.kernel().value());
                });
    }

    @Test
    void every_loss() {
        qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(integers().between(1, 5), integers().between(1, 5), longs().all())
                .checkAssert((batch, width, seed) -> {
                    SplittableRandom rng = new SplittableRandom(seed);
                    Tensor p = Tensor.randn(rng, batch, width);
                    // |p - y| kept away from 0 for the kink of abs and from delta for Huber's
                    Tensor y = p.sub(awayFromZero(rng, batch, width));
                    GradCheck check = GradCheck.defaults();
                    check.assertGradients(xs -> Losses.meanSquaredError(xs.get(0), xs.get(1)), p, y);
                    check.assertGradients(xs -> Losses.meanAbsoluteError(xs.get(0), xs.get(1)), p, y);
                    double delta = 1.0;
                    boolean nearKink = false;
                    for (double e : p.sub(y).abs().toArray()) {
                        nearKink |= Math.abs(e - delta) < 1e-3;
                    }
                    if (!nearKink) {
                        check.assertGradients(xs -> Losses.huber(xs.get(0), xs.get(1), delta), p, y);
                    }
                    Tensor probs = Tensor.uniform(rng, 0, 1, batch, width);
                    check.assertGradients(xs -> Losses.binaryCrossEntropyWithLogits(xs.get(0), xs.get(1)),
                            p.mul(3), probs);
                    Tensor rows = probs.div(probs.sum(1, true));
                    check.assertGradients(xs -> Losses.softmaxCrossEntropyWithLogits(xs.get(0), xs.get(1)),
                            p.mul(3), rows);
                });
    }
}
