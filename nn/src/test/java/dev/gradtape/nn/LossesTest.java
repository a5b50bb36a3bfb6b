package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import org.junit.jupiter.api.Test;

/** Loss values worked out on paper. */
class LossesTest {
    private final Tensor p = Tensor.vector(1.0, -2.0, 0.5);
    private final Tensor y = Tensor.vector(0.0, 1.0, 0.5);

    @Test
    void mean_squared_and_absolute_error() {
        // errors 1, -3, 0
        assertEquals((1 + 9 + 0) / 3.0, Losses.meanSquaredError(p, y).item(), 1e-15);
        assertEquals((1 + 3 + 0) / 3.0, Losses.meanAbsoluteError(p, y).item(), 1e-15);
    }

    @Test
    void huber_is_quadratic_then_linear() {
        // delta 2: |1| -> 0.5; |3| -> 2 (3 - 1) = 4; 0 -> 0
        assertEquals((0.5 + 4 + 0) / 3.0, Losses.huber(p, y, 2.0).item(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Losses.huber(p, y, 0));
    }

    @Test
    void binary_cross_entropy_from_logits() {
        Tensor logits = Tensor.vector(0.0, 2.0, -40.0);
        Tensor t = Tensor.vector(1.0, 0.0, 0.0);
        double expected = (Math.log(2) + Math.log1p(Math.exp(2)) + Math.log1p(Math.exp(-40))) / 3;
        assertEquals(expected, Losses.binaryCrossEntropyWithLogits(logits, t).item(), 1e-14);
        // no overflow for huge logits: -y log sigmoid(1000) ~ 0, and (1 - y) log(...) = 1000
        double big = Losses.binaryCrossEntropyWithLogits(Tensor.vector(1000, 1000), Tensor.vector(1, 0))
                .item();
        assertEquals(500.0, big, 1e-12);
    }

    @Test
    void softmax_cross_entropy_from_logits() {
        Tensor logits = Tensor.matrix(new double[][] {{1, 2, 3}, {0, 0, 0}});
        Tensor onehot = Tensor.matrix(new double[][] {{0, 0, 1}, {1, 0, 0}});
        double lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
        double expected = ((lse - 3) + Math.log(3)) / 2;
        assertEquals(expected, Losses.softmaxCrossEntropyWithLogits(logits, onehot).item(), 1e-14);
    }

    @Test
    void shapes_must_match() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.meanSquaredError(Tensor.zeros(4, 1), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("meanSquaredError") && e.getMessage().contains("(4, 1)")
                && e.getMessage().contains("(4,)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropyWithLogits(Tensor.zeros(3), Tensor.zeros(3)));
    }

    @Test
    void a_custom_loss_plugs_into_a_training_step() {
        Dense d = new Dense(1, 1, Initializers.constant(0.0), Initializers.zeros(),
                new java.util.SplittableRandom(0));
        Loss quartic = (pr, tg) -> pr.sub(tg).pow(4).mean();
        Tensor x = Tensor.of(new double[] {1, 2}, 2, 1);
        Tensor t = Tensor.of(new double[] {1, 1}, 2, 1);
        double before = Training.step(d, quartic, new Sgd(0.01), x, t);
        assertEquals(1.0, before, 0); // prediction 0, error -1 on both
        // dL/dw = mean(4 (w x - 1)^3 x) = (4 (-1)(1) + 4 (-1)(2)) / 2 = -6, so w = 0.06
        assertEquals(0.06, d.kernel().value().item(), 1e-15);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Training.step(d, (pr, tg) -> pr.sub(tg), new Sgd(), x, t));
        assertTrue(e.getMessage().contains("single element"), e.getMessage());
    }
}
