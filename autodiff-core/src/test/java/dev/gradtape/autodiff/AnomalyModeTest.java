package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Anomaly mode: the first non-finite value produced in forward or backward throws, naming the op
 * and the direction. Off by default.
 */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class AnomalyModeTest {
    private static NonFiniteValueException inAnomalyMode(Executable body, String... fragments) {
        try (AnomalyMode on = AnomalyMode.enable()) {
            return assertThrowsWithMessage(NonFiniteValueException.class, body::execute, fragments);
        }
    }

    @Test
    void log_of_zero_is_caught_in_forward() {
        NonFiniteValueException e = inAnomalyMode(() -> Tensor.vector(1, 0).log(),
                "anomaly in forward", "log produced -Infinity", "flat index 1", "(2,)");
        assertEquals("log", e.op());
        assertFalse(e.inBackward());
    }

    @Test
    void zero_over_zero_is_caught_in_forward() {
        NonFiniteValueException e = inAnomalyMode(() -> Tensor.scalar(0).div(Tensor.scalar(0)),
                "anomaly in forward", "div produced NaN", "[(), ()]", "input values 0.0, 0.0");
        assertEquals("div", e.op());
    }

    @Test
    void exp_of_800_is_caught_in_forward() {
        NonFiniteValueException e = inAnomalyMode(() -> Tensor.scalar(800).exp(), "exp produced Infinity");
        assertEquals("exp", e.op());
        assertFalse(e.inBackward());
    }

    @Test
    void sqrt_of_minus_one_is_caught_in_forward() {
        NonFiniteValueException e = inAnomalyMode(() -> Tensor.full(-1, 2, 2).sqrt(),
                "sqrt produced NaN", "(2, 2)");
        assertEquals("sqrt", e.op());
    }

    /** where(x > 0, sqrt(x), 0) at x = 0: forward is fine, backward computes 0 / (2 sqrt(0)) = NaN. */
    private static Tensor maskedSqrtGradient(Tensor x0) {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(x0);
            Tensor y = Tensor.where(x.greater(0), x.sqrt(), Tensor.scalar(0)).sum();
            return tape.gradient(y, x);
        }
    }

    @Test
    void a_nan_entering_backward_through_a_masked_branch_is_caught_naming_the_op() {
        NonFiniteValueException e = inAnomalyMode(() -> maskedSqrtGradient(Tensor.vector(0, 4)),
                "anomaly in backward of sqrt", "div produced NaN", "flat index 0");
        assertEquals("sqrt", e.op());
        assertTrue(e.inBackward());
    }

    @Test
    void a_nan_entering_backward_through_a_maximum_is_caught_naming_the_op() {
        // maximum(1, sqrt(x)) at x = 0 picks 1, so sqrt gets a zero gradient, and 0 / (2 sqrt(0)) is NaN
        NonFiniteValueException e = inAnomalyMode(() -> {
            try (GradientTape tape = new GradientTape()) {
                Tensor x = tape.watch(Tensor.scalar(0));
                tape.gradient(Tensor.scalar(1).maximum(x.sqrt()), x);
            }
        }, "anomaly in backward of sqrt");
        assertEquals("sqrt", e.op());
        assertTrue(e.inBackward());
    }

    @Test
    void a_non_finite_gradient_returned_by_a_backward_is_caught() {
        class BadBackward extends Function {
            @Override
            protected Tensor forward(Tensor... in) {
                return in[0].mul(1);
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {Tensor.of(new double[] {1, Double.NaN}, 2)}; // raw, not computed by an op
            }
        }
        NonFiniteValueException e = inAnomalyMode(() -> {
            try (GradientTape tape = new GradientTape()) {
                Tensor x = tape.watch(Tensor.vector(1, 2));
                tape.gradient(new BadBackward().apply(x).sum(), x);
            }
        }, "anomaly in backward of badBackward", "gradient for input 0 (shape (2,))", "NaN", "flat index 1");
        assertEquals("badBackward", e.op());
        assertTrue(e.inBackward());
    }

    @Test
    void off_by_default_non_finite_values_pass_silently() {
        assertFalse(AnomalyMode.isEnabled());
        assertEquals(Double.NEGATIVE_INFINITY, Tensor.scalar(0).log().item());
        assertTrue(Double.isNaN(Tensor.scalar(-1).sqrt().item()));
        assertTrue(Double.isNaN(maskedSqrtGradient(Tensor.vector(0, 4)).get(0)), "the masked NaN leaks");
        assertEquals(0.25, maskedSqrtGradient(Tensor.vector(0, 4)).get(1), 0);
    }

    @Test
    void the_scope_restores_the_previous_setting_and_is_per_thread() throws InterruptedException {
        AtomicBoolean otherThreadSaw = new AtomicBoolean(true);
        try (AnomalyMode outer = AnomalyMode.enable()) {
            try (AnomalyMode inner = AnomalyMode.enable()) {
                assertTrue(AnomalyMode.isEnabled());
            }
            assertTrue(AnomalyMode.isEnabled(), "closing the inner scope keeps the outer one on");
            Thread t = new Thread(() -> otherThreadSaw.set(AnomalyMode.isEnabled()));
            t.start();
            t.join();
            outer.close();
            outer.close(); // idempotent
            assertFalse(AnomalyMode.isEnabled());
        }
        assertFalse(otherThreadSaw.get(), "anomaly mode is per thread");
        assertFalse(AnomalyMode.isEnabled());
    }

    @Test
    void finite_computations_are_unaffected_in_anomaly_mode() {
        try (AnomalyMode on = AnomalyMode.enable(); GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(0.5, 2));
            Tensor y = x.log().exp().sqrt().sum();
            assertEquals(Math.sqrt(0.5) + Math.sqrt(2), y.item(), 1e-12);
            assertEquals(0.5 / Math.sqrt(0.5), tape.gradient(y, x).get(0), 1e-12);
        }
    }
}
