package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Seeded MLPs learn small problems end to end, in a few seconds. */
class LearningTest {
    @Test
    void mlp_learns_xor() {
        SplittableRandom rng = new SplittableRandom(42);
        Sequential model = new Sequential(new Dense(2, 8, rng), new Tanh(), new Dense(8, 1, rng));
        Tensor x = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.of(new double[] {0, 1, 1, 0}, 4, 1);
        Adam adam = new Adam(0.05);
        double loss = 0;
        for (int step = 0; step < 300; step++) {
            loss = Training.step(model, Losses::binaryCrossEntropyWithLogits, adam, x, y);
        }
        double[] logits = model.forward(x).toArray();
        for (int i = 0; i < 4; i++) {
            assertEquals(y.get(i, 0), logits[i] > 0 ? 1.0 : 0.0, "example " + i + ", logit "
                    + logits[i]);
        }
        assertTrue(loss < 0.05, "final loss " + loss);
    }

    @Test
    void mlp_fits_sine() {
        int n = 64;
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -Math.PI + 2 * Math.PI * i / (n - 1);
            ys[i] = Math.sin(xs[i]);
        }
        Tensor x = Tensor.of(xs, n, 1);
        Tensor y = Tensor.of(ys, n, 1);
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = new Sequential(new Dense(1, 32, rng), new Tanh(), new Dense(32, 1, rng));
        Adam adam = Adam.builder().schedule(LearningRateSchedule.linearDecay(0.02, 0.002, 1500)).build();
        for (int step = 0; step < 1500; step++) {
            Training.step(model, Losses::meanSquaredError, adam, x, y);
        }
        double mse = Losses.meanSquaredError(model.forward(x), y).item();
        assertTrue(mse < 1e-3, "mean squared error " + mse);
    }
}
