package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gradient checker itself: it passes right gradients, refutes wrong ones, and reports well. */
class GradCheckTest {
    /** x * k in forward, but backward claims g * k * (1 + relativeError) + absoluteError. */
    static final class Skewed extends Function {
        private final double k;
        private final double relativeError;
        private final double absoluteError;

        Skewed(double k, double relativeError, double absoluteError) {
            this.k = k;
            this.relativeError = relativeError;
            this.absoluteError = absoluteError;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(k);
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(k * (1 + relativeError)).add(absoluteError)};
        }
    }

    private static GradCheck.Fn skewed(double k, double rel, double abs) {
        return in -> new Skewed(k, rel, abs).apply(in.get(0)).sum();
    }

    @Test
    void defaults_are_pytorchs() {
        GradCheck.Result r = GradCheck.defaults().check(in -> in.get(0).exp(), Tensor.vector(1, 2));
        assertEquals(1e-6, r.eps());
        assertEquals(1e-5, r.atol());
        assertEquals(1e-3, r.rtol());
        assertTrue(r.passed());
        assertEquals(2, r.checked());
        assertTrue(r.toString().startsWith("GradCheck passed: 2 values agree"), r::toString);
    }

    @Test
    void every_element_of_a_small_input_is_checked() {
        GradCheck.Result r = GradCheck.defaults().check(
                in -> in.get(0).tanh().matmul(in.get(1)), Tensor.randn(1L, 3, 4), Tensor.randn(2L, 4, 2));
        assertTrue(r.passed(), r::toString);
        assertEquals(12 + 8, r.checked());
    }

    @Test
    void a_large_input_is_checked_along_random_projections() {
        Tensor big = Tensor.randn(3L, 300); // over the default 256-element limit
        GradCheck.Result r = GradCheck.defaults().check(in -> in.get(0).tanh().square(), big);
        assertTrue(r.passed(), r::toString);
        assertEquals(8, r.checked());
        GradCheck.Result custom = GradCheck.defaults().maxFullElements(10).projections(3)
                .check(in -> in.get(0).square(), Tensor.randn(4L, 11), Tensor.randn(5L, 10));
        assertEquals(3 + 10, custom.checked());
    }

    @Test
    void a_wrong_gradient_on_a_large_input_is_reported_as_a_projection() {
        GradCheck.Result r = GradCheck.defaults().projections(2).check(skewed(2, 0.1, 0), Tensor.randn(6L, 300));
        assertFalse(r.passed());
        assertEquals(2, r.mismatches().size());
        assertEquals(-1, r.mismatches().get(0).index());
        assertTrue(r.toString().contains("input 0 (300,), random projection 0: analytic "), r::toString);
        assertTrue(r.toString().contains("random projection 1"), r::toString);
    }

    @Test
    void the_relative_tolerance_is_configurable() {
        GradCheck.Fn off = skewed(3, 2e-3, 0); // 0.2% too large
        assertFalse(GradCheck.defaults().check(off, Tensor.vector(1, 2)).passed());
        assertTrue(GradCheck.defaults().rtol(1e-2).check(off, Tensor.vector(1, 2)).passed());
    }

    @Test
    void the_absolute_tolerance_is_configurable() {
        GradCheck.Fn off = skewed(0, 0, 5e-5); // true gradient 0, claimed 5e-5
        assertFalse(GradCheck.defaults().check(off, Tensor.vector(1, 2)).passed());
        assertTrue(GradCheck.defaults().atol(1e-4).check(off, Tensor.vector(1, 2)).passed());
    }

    @Test
    void the_step_is_configurable_and_a_coarse_step_shows_truncation_error() {
        // central differences of x^3 have error eps^2 (the third derivative 6, over 6)
        GradCheck.Fn cube = in -> in.get(0).pow(3);
        GradCheck coarse = GradCheck.defaults().eps(0.1);
        GradCheck.Result r = coarse.check(cube, Tensor.scalar(0.0));
        assertEquals(0.1, r.eps());
        assertFalse(r.passed(), r::toString);
        // the output is weighted by GradCheck's random w; the identity with a doubled backward shows w
        double w = GradCheck.defaults().check(skewed(1, 1, 0), Tensor.scalar(0.0)).mismatches().get(0).numeric();
        assertEquals(0.0, r.mismatches().get(0).analytic(), 0);
        assertEquals(0.01 * w, r.mismatches().get(0).numeric(), 1e-12); // the pure truncation error
        assertTrue(GradCheck.defaults().check(cube, Tensor.scalar(0.0)).passed());
    }

    @Test
    void the_report_lists_at_most_ten_mismatches() {
        GradCheck.Result r = GradCheck.defaults().check(skewed(1, 1, 0), Tensor.randn(7L, 25));
        assertEquals(25, r.mismatches().size());
        String s = r.toString();
        assertTrue(s.startsWith("GradCheck failed: 25 of 25 values disagree (eps 1.0E-6, atol 1.0E-5, rtol 0.001):"), s);
        assertTrue(s.contains("element 9:") && !s.contains("element 10:"), s);
        assertTrue(s.endsWith("... and 15 more"), s);
    }

    @Test
    void assert_gradients_throws_an_assertion_error_with_the_report() {
        GradCheck.Mismatch m = GradCheck.defaults().check(skewed(1, 1, 0), Tensor.vector(1, 2)).mismatches().get(0);
        assertEquals(2.0, m.analytic() / m.numeric(), 1e-6); // the backward doubles the gradient
        assertThrowsWithMessage(AssertionError.class,
                () -> GradCheck.defaults().assertGradients(skewed(1, 1, 0), Tensor.vector(1, 2)),
                "GradCheck failed: 2 of 2", "input 0 (2,), element 0: analytic " + m.analytic() + ", numeric "
                        + m.numeric(), "element 1:");
    }

    @Test
    void bad_settings_are_refused_with_the_valid_ranges() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> GradCheck.defaults().eps(0),
                "eps > 0", "eps=0.0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> GradCheck.defaults().projections(0),
                "projections >= 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> GradCheck.defaults().atol(-1),
                "atol >= 0");
    }

    @Test
    void checking_leaves_inputs_untouched_and_is_deterministic() {
        Tensor x = Tensor.randn(8L, 2, 3);
        Tensor copy = Tensor.of(x.toArray(), 2, 3);
        GradCheck.Fn f = in -> in.get(0).sigmoid().mul(in.get(0));
        GradCheck.Result a = GradCheck.defaults().check(f, x);
        GradCheck.Result b = GradCheck.defaults().check(f, x);
        assertBitIdentical(copy, x);
        assertEquals(a, b);
        assertTrue(a.passed());
    }

    @Test
    void a_different_seed_draws_different_output_weights() {
        GradCheck.Fn wrong = in -> new Skewed(1, 1, 0).apply(in.get(0));
        double w1 = GradCheck.defaults().check(wrong, Tensor.scalar(1)).mismatches().get(0).numeric();
        double w2 = GradCheck.defaults().seed(99).check(wrong, Tensor.scalar(1)).mismatches().get(0).numeric();
        assertTrue(w1 != w2, "the numeric gradient is the output weight, which depends on the seed");
    }
}
