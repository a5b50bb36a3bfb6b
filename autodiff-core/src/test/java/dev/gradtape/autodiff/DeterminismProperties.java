package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same bits: random factories, forward values and gradients are bit-identical across
 * runs (and threads), for generated seeds.
 */
class DeterminismProperties {
    private static final int EXAMPLES = 25;

    /** A small network's loss and gradients, every number drawn from {@code seed}. */
    static List<Tensor> run(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.randn(rng, 8, 3);
        Tensor y = Tensor.uniform(rng, -1, 1, 8, 1);
        Tensor w1 = Tensor.randn(rng, 3, 5).mul(0.5);
        Tensor b1 = Tensor.uniform(rng, -0.1, 0.1, 5);
        Tensor w2 = Tensor.randn(rng, 5, 1);
        try (GradientTape tape = new GradientTape()) {
            List.of(w1, b1, w2).forEach(tape::watch);
            Tensor h = x.matmul(w1).add(b1).tanh();
            Tensor loss = h.matmul(w2).sub(y).square().mean().add(h.logSumExp(1, false).mean());
            List<Tensor> out = new ArrayList<>();
            out.add(loss);
            out.addAll(tape.gradient(loss, List.of(w1, b1, w2)));
            return out;
        }
    }

    @Test
    void same_seed_gives_bit_identical_random_tensors() {
        qt().withExamples(EXAMPLES).withFixedSeed(1L).forAll(longs().all()).checkAssert(seed -> {
            assertBitIdentical(Tensor.randn(seed, 3, 4), Tensor.randn(seed, 3, 4));
            assertBitIdentical(Tensor.uniform(seed, -2, 5, 7), Tensor.uniform(seed, -2, 5, 7));
            // the long overloads are SplittableRandom(seed), so a generator seeded alike agrees
            assertBitIdentical(Tensor.randn(seed, 6), Tensor.randn(new SplittableRandom(seed), 6));
            assertBitIdentical(Tensor.uniform(seed, 0, 1, 6), Tensor.uniform(new SplittableRandom(seed), 0, 1, 6));
            assertFalse(Tensor.randn(seed, 8).valueEquals(Tensor.randn(seed + 1, 8)), "seeds must matter");
        });
    }

    @Test
    void uniform_values_lie_in_the_half_open_range() {
        qt().withExamples(EXAMPLES).withFixedSeed(2L).forAll(longs().all()).checkAssert(seed -> {
            for (double v : Tensor.uniform(seed, -2, 5, 200).toArray()) {
                assertTrue(v >= -2 && v < 5, () -> String.valueOf(v));
            }
        });
    }

    @Test
    void same_seed_gives_bit_identical_values_and_gradients() {
        qt().withExamples(EXAMPLES).withFixedSeed(3L).forAll(longs().all()).checkAssert(seed -> {
            List<Tensor> a = run(seed);
            List<Tensor> b = run(seed);
            for (int i = 0; i < a.size(); i++) {
                assertBitIdentical(a.get(i), b.get(i));
            }
        });
    }

    @Test
    void another_thread_computes_the_same_bits() throws InterruptedException {
        List<List<Tensor>> fromThread = new ArrayList<>();
        Thread t = new Thread(() -> fromThread.add(run(42L)));
        t.start();
        t.join();
        List<Tensor> here = run(42L);
        for (int i = 0; i < here.size(); i++) {
            assertBitIdentical(here.get(i), fromThread.get(0).get(i));
        }
    }
}
