package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static dev.gradtape.testing.TensorAssertions.assertShape;
import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The API of issue 10, item 6: {@code sin} and {@code cos} (worked examples, first and second
 * order gradient checks), {@code Tensor.linspace} and {@code Tensor.randn(seed, Shape)}.
 */
class NewOpsTest {
    private static final double HALF_PI = Math.PI / 2;

    private static double derivative(UnaryOperator<Tensor> f, double x0) {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(x0));
            return tape.gradient(f.apply(x), x).item();
        }
    }

    private static double secondDerivative(UnaryOperator<Tensor> f, double x0) {
        try (GradientTape outer = new GradientTape()) {
            Tensor x = outer.watch(Tensor.scalar(x0));
            Tensor dy;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                dy = inner.gradient(f.apply(x), x);
            }
            return outer.gradient(dy, x).item();
        }
    }

    // ------------------------------------------------------------ sin and cos

    @Test
    void sin_at_0_and_pi_over_2_on_paper() {
        // sin 0 = 0, sin(pi/2) = 1, sin(-pi/2) = -1; sin keeps the sign of zero
        assertBitIdentical(Tensor.vector(0, 1, -1, -0.0), Tensor.vector(0, HALF_PI, -HALF_PI, -0.0).sin());
        // d/dx sin = cos: 1 at 0, cos(pi/2) (6.1e-17, pi/2 being rounded) at pi/2
        assertEquals(1.0, derivative(Tensor::sin, 0), 0);
        assertEquals(Math.cos(HALF_PI), derivative(Tensor::sin, HALF_PI), 0);
        assertEquals(0.0, derivative(Tensor::sin, HALF_PI), 1e-16);
        // d2/dx2 sin = -sin: 0 at 0, -1 at pi/2
        assertEquals(0.0, secondDerivative(Tensor::sin, 0), 0);
        assertEquals(-1.0, secondDerivative(Tensor::sin, HALF_PI), 0);
    }

    @Test
    void cos_at_0_and_pi_over_2_on_paper() {
        Tensor c = Tensor.vector(0, HALF_PI, Math.PI).cos();
        assertEquals(1.0, c.get(0), 0);
        assertEquals(0.0, c.get(1), 1e-16); // cos of the double nearest pi/2 is 6.1e-17
        assertEquals(-1.0, c.get(2), 0);
        // d/dx cos = -sin: -0 at 0 (exactly, sign included), -1 at pi/2
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(derivative(Tensor::cos, 0)));
        assertEquals(-1.0, derivative(Tensor::cos, HALF_PI), 0);
        // d2/dx2 cos = -cos: -1 at 0, ~0 at pi/2
        assertEquals(-1.0, secondDerivative(Tensor::cos, 0), 0);
        assertEquals(0.0, secondDerivative(Tensor::cos, HALF_PI), 1e-16);
    }

    @Test
    void sin_squared_plus_cos_squared_is_1_with_gradient_0() {
        Tensor x0 = Tensor.linspace(-3, 3, 13);
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(x0);
            Tensor one = x.sin().square().add(x.cos().square());
            assertTrue(one.allClose(Tensor.ones(13), 0, 1e-14), one.toString());
            Tensor g = tape.gradient(one.sum(), x); // 2 sin cos - 2 cos sin
            assertTrue(g.allClose(Tensor.zeros(13), 0, 1e-14), g.toString());
        }
    }

    @Test
    void sin_and_cos_pass_gradient_checks_of_first_and_second_order() {
        Tensor x = Tensor.uniform(7L, -4, 4, 3, 4);
        Tensor y = Tensor.uniform(8L, -2, 2, 4);
        GradCheck check = GradCheck.defaults();
        check.assertGradients(in -> in.get(0).sin(), x);
        check.assertGradients(in -> in.get(0).cos(), x);
        check.assertGradients(in -> in.get(0).mul(in.get(1)).sin().mul(in.get(1).cos()), x, y);
        check.assertSecondOrder(in -> in.get(0).sin(), x);
        check.assertSecondOrder(in -> in.get(0).cos(), x);
        check.assertSecondOrder(in -> in.get(0).mul(in.get(1)).sin().mul(in.get(1).cos()), x, y);
    }

    @Test
    void sin_and_cos_of_non_finite_values_are_nan() {
        Tensor s = Tensor.vector(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN).sin();
        Tensor c = Tensor.vector(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN).cos();
        for (int i = 0; i < 3; i++) {
            assertTrue(Double.isNaN(s.get(i)) && Double.isNaN(c.get(i)), s + " " + c);
        }
    }

    // ------------------------------------------------------------ linspace

    @Test
    void linspace_of_5_from_0_to_1_is_quarters() {
        assertBitIdentical(Tensor.vector(0, 0.25, 0.5, 0.75, 1), Tensor.linspace(0, 1, 5));
        assertBitIdentical(Tensor.vector(1, 0.5, 0), Tensor.linspace(1, 0, 3)); // descending
        assertBitIdentical(Tensor.vector(2, 2, 2), Tensor.linspace(2, 2, 3));
    }

    @Test
    void linspace_end_points_are_exact() {
        double[][] cases = {{0.1, 0.7, 7}, {-1.3, 2.9, 10}, {1e-3, 1e3, 101}, {0.3, -0.1, 4}, {-5, 5, 2}};
        for (double[] c : cases) {
            Tensor t = Tensor.linspace(c[0], c[1], (int) c[2]);
            assertShape(t, (int) c[2]);
            assertEquals(Double.doubleToLongBits(c[0]), Double.doubleToLongBits(t.get(0)), "start of " + t);
            assertEquals(Double.doubleToLongBits(c[1]), Double.doubleToLongBits(t.get((int) c[2] - 1)), "end of " + t);
            double step = (c[1] - c[0]) / (c[2] - 1);
            for (int i = 1; i < c[2]; i++) {
                assertEquals(step, t.get(i) - t.get(i - 1), 1e-12 * Math.max(1, Math.abs(step)), "evenly spaced: " + t);
            }
        }
    }

    @Test
    void linspace_of_count_0_is_empty_and_of_count_1_is_the_start() {
        assertShape(Tensor.linspace(0, 1, 0), 0);
        assertValues(Tensor.linspace(3, 7, 1), new int[] {1}, 3); // NumPy: linspace(3, 7, 1) == [3.]
    }

    @Test
    void linspace_refuses_a_negative_count_and_non_finite_end_points() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.linspace(0, 1, -1),
                "Tensor.linspace", "count = -1", "count >= 0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.linspace(0, Double.NaN, 3),
                "Tensor.linspace", "NaN", "finite");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Tensor.linspace(Double.NEGATIVE_INFINITY, 0, 3), "Tensor.linspace", "-Infinity", "finite");
    }

    @Test
    void linspace_values_are_differentiable_inputs() {
        // a linspace is a constant leaf like any other: sin over a grid, gradient cos
        Tensor grid = Tensor.linspace(0, Math.PI, 5);
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(grid);
            assertBitIdentical(grid.cos(), tape.gradient(x.sin().sum(), x));
        }
    }

    // ------------------------------------------------------------ randn(seed, Shape)

    @Test
    void randn_with_a_shape_is_reproducible_and_equals_randn_with_dims() {
        for (long seed : new long[] {0, 1, 42, -7}) {
            Tensor a = Tensor.randn(seed, Shape.of(3, 4, 2));
            assertBitIdentical(a, Tensor.randn(seed, Shape.of(3, 4, 2)));
            assertBitIdentical(a, Tensor.randn(seed, 3, 4, 2));
            assertBitIdentical(Tensor.randn(new SplittableRandom(seed), 3, 4, 2),
                    Tensor.randn(new SplittableRandom(seed), Shape.of(3, 4, 2)));
        }
        assertFalse(Tensor.randn(1, Shape.of(8)).valueEquals(Tensor.randn(2, Shape.of(8))), "seeds differ");
        assertBitIdentical(Tensor.randn(5, Shape.SCALAR), Tensor.randn(5));
        assertShape(Tensor.randn(5, Shape.of(0, 3)), 0, 3);
    }

    @Test
    void randn_values_come_from_the_seeded_splittable_random_in_row_major_order() {
        SplittableRandom rng = new SplittableRandom(123);
        double[] expected = new double[6];
        for (int i = 0; i < 6; i++) expected[i] = rng.nextGaussian();
        assertBitIdentical(Tensor.of(expected, 2, 3), Tensor.randn(123, Shape.of(2, 3)));
    }

    @Test
    void randn_looks_standard_normal() {
        double[] v = Tensor.randn(99, Shape.of(20_000)).toArray();
        double mean = 0;
        double sq = 0;
        for (double d : v) {
            mean += d;
            sq += d * d;
        }
        mean /= v.length;
        double var = sq / v.length - mean * mean;
        assertEquals(0, mean, 0.03); // 4 standard errors of 1 / sqrt(20000)
        assertEquals(1, var, 0.05);
    }

    @Test
    void randn_with_a_null_generator_names_randn() {
        assertThrowsWithMessage(NullPointerException.class,
                () -> Tensor.randn((java.util.random.RandomGenerator) null, Shape.of(2)), "Tensor.randn", "rng");
    }
}
