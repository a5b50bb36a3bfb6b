package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InitializersTest {
    private static double[] draw(Initializer init, int fanIn, int fanOut, long seed) {
        return init.initialize(Shape.of(fanIn, fanOut), fanIn, fanOut, new SplittableRandom(seed))
                .toArray();
    }

    private static double variance(double[] d) {
        double mean = 0;
        for (double x : d) mean += x;
        mean /= d.length;
        double s = 0;
        for (double x : d) s += (x - mean) * (x - mean);
        return s / d.length;
    }

    @Test
    void same_seed_same_bits() {
        for (Initializer init : new Initializer[] {Initializers.glorotUniform(),
                Initializers.heNormal(), Initializers.heUniform()}) {
            assertTrue(java.util.Arrays.equals(draw(init, 30, 20, 5), draw(init, 30, 20, 5)),
                    init.toString());
        }
    }

    @Test
    void glorot_uniform_stays_within_its_limit_and_has_its_variance() {
        double[] d = draw(Initializers.glorotUniform(), 200, 100, 1);
        double limit = Math.sqrt(6.0 / 300);
        for (double x : d) assertTrue(Math.abs(x) <= limit, "value " + x);
        // U(-l, l) has variance l^2 / 3 = 2 / (fanIn + fanOut)
        assertEquals(2.0 / 300, variance(d), 2.0 / 300 * 0.03);
    }

    @Test
    void he_normal_is_truncated_at_two_std_with_variance_two_over_fan_in() {
        int fanIn = 50;
        double[] d = draw(Initializers.heNormal(), fanIn, 400, 2);
        double std = Math.sqrt(2.0 / fanIn) / .87962566103423978;
        for (double x : d) assertTrue(Math.abs(x) <= 2 * std, "value " + x + " beyond 2 std");
        assertEquals(2.0 / fanIn, variance(d), 2.0 / fanIn * 0.03);
    }

    @Test
    void he_uniform_has_variance_two_over_fan_in() {
        double[] d = draw(Initializers.heUniform(), 40, 500, 3);
        for (double x : d) assertTrue(Math.abs(x) <= Math.sqrt(6.0 / 40));
        assertEquals(2.0 / 40, variance(d), 2.0 / 40 * 0.03);
    }

    @Test
    void zeros_and_constant() {
        Tensor z = Initializers.zeros().initialize(Shape.of(3), 1, 3, new SplittableRandom(0));
        assertTrue(z.valueEquals(Tensor.zeros(3)));
        Tensor c = Initializers.constant(0.25).initialize(Shape.of(2), 1, 2, new SplittableRandom(0));
        assertTrue(c.valueEquals(Tensor.vector(0.25, 0.25)));
        assertThrows(IllegalArgumentException.class, () -> Initializers.heNormal()
                .initialize(Shape.of(2), 0, 2, new SplittableRandom(0)));
    }
}
