package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {
    @Test
    void global_norm_of_a_3_4_5_triangle() {
        assertEquals(5.0, GradientClipping.globalNorm(List.of(Tensor.vector(3), Tensor.scalar(4))));
    }

    @Test
    void clips_all_gradients_by_one_factor() {
        List<Tensor> g = List.of(Tensor.vector(3, 0), Tensor.scalar(4));
        List<Tensor> c = GradientClipping.clipByGlobalNorm(g, 1.0);
        assertEquals(0.6, c.get(0).get(0), 1e-15);
        assertEquals(0.8, c.get(1).item(), 1e-15);
        assertEquals(1.0, GradientClipping.globalNorm(c), 1e-15);
        // below the limit nothing changes
        List<Tensor> same = GradientClipping.clipByGlobalNorm(g, 5.0);
        assertTrue(same.get(0).valueEquals(g.get(0)) && same.get(1).valueEquals(g.get(1)));
    }

    @Test
    void non_finite_norm_gives_nan_or_throws() {
        List<Tensor> g = List.of(Tensor.vector(1), Tensor.vector(2, Double.POSITIVE_INFINITY));
        assertTrue(Double.isNaN(GradientClipping.clipByGlobalNorm(g, 1.0).get(0).item()));
        ArithmeticException e = assertThrows(ArithmeticException.class,
                () -> GradientClipping.clipByGlobalNorm(g, 1.0, true));
        assertTrue(e.getMessage().contains("Infinity") && e.getMessage().contains("gradient 1"),
                e.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> GradientClipping.clipByGlobalNorm(g, 0.0));
        assertTrue(bad.getMessage().contains("maxNorm"), bad.getMessage());
    }
}
