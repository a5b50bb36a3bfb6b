package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static dev.gradtape.testing.TensorAssertions.assertZeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Regression tests for the bugs of issue 10, item 7, found by comparing with PyTorch autograd in
 * float64. The expected values follow the mathematics and PyTorch's documented behaviour
 * (torch is not installed on the build machine, so the PyTorch figures in comments come from its
 * documentation and its derivative formulas, {@code tools/autograd/derivatives.yaml}, not from a
 * run).
 */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class RegressionTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double NAN = Double.NaN;

    private static Tensor gradient(Tensor x0, java.util.function.UnaryOperator<Tensor> f) {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(x0);
            return tape.gradient(f.apply(x), x);
        }
    }

    // ------------------------------------------------------------ pow at 0

    @Test
    void pow_0_has_gradient_0_at_0() {
        // d/dx x^0 = 0 everywhere; 0 * 0^-1 = 0 * inf was NaN. PyTorch: pow_backward masks exponent == 0 to 0
        assertValues(Tensor.vector(0, -0.0, 3).pow(0), new int[] {3}, 1, 1, 1); // 0^0 = 1, as Math.pow and torch
        assertZeros(Shape.of(3), gradient(Tensor.vector(0, -0.0, 3), x -> x.pow(0).sum()));
    }

    @Test
    void pow_0_at_0_leaks_no_nan_into_elements_whose_incoming_gradient_is_0() {
        Tensor w = Tensor.vector(0, 1, 0);
        Tensor g = gradient(Tensor.vector(0, 0, 2), x -> x.pow(0).mul(w).sum());
        assertZeros(Shape.of(3), g);
    }

    @Test
    void second_derivative_of_pow_1_at_0_is_0() {
        // d/dx x = 1, d2/dx2 x = 0; p (p - 1) x^(p - 2) = 1 * 0 * 0^-1 was NaN
        for (double x0 : new double[] {0.0, -0.0, 2.0}) {
            try (GradientTape outer = new GradientTape()) {
                Tensor x = outer.watch(Tensor.scalar(x0));
                Tensor dy;
                try (GradientTape inner = new GradientTape()) {
                    inner.watch(x);
                    dy = inner.gradient(x.pow(1), x);
                }
                assertEquals(1.0, dy.item(), 0, "first derivative at " + x0);
                assertEquals(0.0, outer.gradient(dy, x).item(), 0, "second derivative at " + x0);
            }
        }
    }

    @Test
    void second_derivative_of_pow_2_and_3_at_0_are_2_and_0() {
        for (double p : new double[] {2, 3}) {
            try (GradientTape outer = new GradientTape()) {
                Tensor x = outer.watch(Tensor.scalar(0));
                Tensor dy;
                try (GradientTape inner = new GradientTape()) {
                    inner.watch(x);
                    dy = inner.gradient(x.pow(p), x);
                }
                assertEquals(p == 2 ? 2.0 : 0.0, outer.gradient(dy, x).item(), 0, "p = " + p);
            }
        }
    }

    // ------------------------------------------------------------ relu with an infinite gradient

    @Test
    void sqrt_of_relu_at_minus_1_and_4_has_gradient_0_and_a_quarter() {
        // sqrt'(0) = inf reaches relu's x <= 0 branch; a 0/1 mask made 0 * inf = NaN. PyTorch's
        // threshold_backward selects instead: where(x <= 0, 0, g)
        Tensor g = gradient(Tensor.vector(-1, 4), x -> x.relu().sqrt().sum());
        assertBitIdentical(Tensor.vector(0, 0.25), g);
        // and at the kink x = 0 itself, relu's gradient is 0 (as PyTorch)
        assertBitIdentical(Tensor.vector(0), gradient(Tensor.vector(0), x -> x.relu().sqrt().sum()));
    }

    @Test
    void relu_still_lets_a_nan_input_pass_its_gradient() {
        Tensor g = gradient(Tensor.vector(NAN, 1, -1), x -> x.relu().sum());
        // threshold_backward: where(x <= 0, 0, g), and NaN <= 0 is false, so g passes (a NaN is not hidden)
        assertEquals(1.0, g.get(0), 0, "a NaN input is not silently masked to 0: " + g);
        assertEquals(1.0, g.get(1), 0);
        assertEquals(0.0, g.get(2), 0);
    }

    // ------------------------------------------------------------ logSumExp with infinities

    @Test
    void log_sum_exp_of_all_minus_infinity_is_minus_infinity() {
        // torch.logsumexp(torch.tensor([-inf, -inf]), 0) is -inf; the max shift made -inf - -inf = NaN
        assertEquals(-INF, Tensor.vector(-INF, -INF).logSumExp().item());
        assertEquals(-INF, Tensor.vector(-INF).logSumExp(0, false).item());
    }

    @Test
    void log_sum_exp_of_a_row_holding_plus_infinity_is_plus_infinity_with_gradient_0_at_finite_entries() {
        assertEquals(INF, Tensor.vector(1, INF, 2).logSumExp().item());
        Tensor g = gradient(Tensor.vector(1, INF, 2), Tensor::logSumExp);
        assertEquals(0.0, g.get(0), 0, "gradient at a finite entry: " + g);
        assertEquals(0.0, g.get(2), 0, "gradient at a finite entry: " + g);
    }

    @Test
    void log_sum_exp_along_an_axis_handles_each_row_on_its_own() {
        Tensor x = Tensor.matrix(new double[][] {{-INF, -INF}, {INF, 1}, {0, 0}, {-INF, 0}});
        Tensor r = x.logSumExp(1, false);
        assertBitIdentical(Tensor.vector(-INF, INF, Math.log(2), 0), r);
        // a finite row with a -inf entry: softmax gradient, exactly 0 at -inf and 1 at 0
        assertBitIdentical(Tensor.vector(0, 1), gradient(Tensor.vector(-INF, 0), Tensor::logSumExp));
    }

    // ------------------------------------------------------------ NaN propagates

    @Test
    void maximum_and_minimum_propagate_nan_from_either_side() {
        // as Math.max / Math.min and torch.maximum / torch.minimum ("if one of the elements being compared is a NaN, then that element is returned")
        Tensor nan = Tensor.scalar(NAN);
        Tensor two = Tensor.scalar(2);
        assertTrue(Double.isNaN(nan.maximum(two).item()), "maximum(NaN, 2)");
        assertTrue(Double.isNaN(two.maximum(nan).item()), "maximum(2, NaN)");
        assertTrue(Double.isNaN(nan.minimum(two).item()), "minimum(NaN, 2)");
        assertTrue(Double.isNaN(two.minimum(nan).item()), "minimum(2, NaN)");
        assertTrue(Double.isNaN(nan.maximum(2).item()), "maximum(NaN, c)");
        assertTrue(Double.isNaN(nan.minimum(2).item()), "minimum(NaN, c)");
        // broadcast, elementwise: only the NaN positions are NaN
        Tensor m = Tensor.vector(NAN, 1, 3).maximum(Tensor.scalar(2));
        assertTrue(Double.isNaN(m.get(0)));
        assertEquals(2.0, m.get(1), 0);
        assertEquals(3.0, m.get(2), 0);
        Tensor n = Tensor.scalar(2).minimum(Tensor.vector(1, NAN));
        assertEquals(1.0, n.get(0), 0);
        assertTrue(Double.isNaN(n.get(1)));
    }

    @Test
    void clamp_of_nan_is_nan() {
        // torch.clamp(torch.tensor(nan), 0, 2) is nan
        assertTrue(Double.isNaN(Tensor.scalar(NAN).clamp(0, 2).item()));
        Tensor c = Tensor.vector(-1, NAN, 5).clamp(0, 2);
        assertEquals(0.0, c.get(0), 0);
        assertTrue(Double.isNaN(c.get(1)));
        assertEquals(2.0, c.get(2), 0);
    }

    // ------------------------------------------------------------ unconnected gradients

    @Test
    void a_source_never_watched_is_an_error_naming_it_unless_zeros_are_asked_for() {
        Tensor w = Tensor.vector(1, 2);
        try (GradientTape tape = GradientTape.persistent()) {
            Tensor x = tape.watch(Tensor.scalar(3));
            Tensor y = x.mul(w).sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y, w),
                    "GradientTape.gradient", "source 0 (shape (2,))", "not tracked by this tape", "UnconnectedGradients.ZERO");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y, List.of(x, w)),
                    "source 1 (shape (2,))");
            List<Tensor> g = tape.gradient(y, List.of(x, w), null, UnconnectedGradients.ZERO);
            assertValues(g.get(0), new int[] {}, 3);
            assertZeros(Shape.of(2), g.get(1));
        }
    }

    @Test
    void a_target_computed_from_no_tracked_tensor_is_an_error_unless_zeros_are_asked_for() {
        try (GradientTape tape = GradientTape.persistent()) {
            Tensor x = tape.watch(Tensor.vector(1, 2));
            Tensor y = Tensor.scalar(3).square(); // nothing the tape tracks
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y, x),
                    "GradientTape.gradient", "the target (shape ())", "not recorded by this tape");
            assertZeros(Shape.of(2), tape.gradient(y, List.of(x), null, UnconnectedGradients.ZERO).get(0));
        }
    }

    @Test
    void a_target_computed_in_another_thread_is_an_error() throws Exception {
        try (GradientTape tape = GradientTape.persistent()) {
            Tensor x = tape.watch(Tensor.vector(1, 2));
            Tensor[] y = new Tensor[1];
            Thread t = new Thread(() -> y[0] = x.square().sum());
            t.start();
            t.join();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y[0], x),
                    "the target (shape ())", "not recorded by this tape", "another thread");
            assertZeros(Shape.of(2), tape.gradient(y[0], List.of(x), null, UnconnectedGradients.ZERO).get(0));
        }
    }

    @Test
    void an_inner_tape_asked_about_a_tensor_only_the_outer_tape_watches_is_an_error() {
        try (GradientTape outer = new GradientTape()) {
            Tensor x = outer.watch(Tensor.vector(1, 2));
            try (GradientTape inner = GradientTape.persistent()) {
                Tensor z = inner.watch(Tensor.scalar(2));
                Tensor y = x.square().mul(z).sum();
                assertThrowsWithMessage(IllegalArgumentException.class, () -> inner.gradient(y, x),
                        "source 0 (shape (2,))", "not tracked by this tape", "only another tape watches it");
                assertZeros(Shape.of(2), inner.gradient(y, List.of(x), null, UnconnectedGradients.ZERO).get(0));
                assertValues(inner.gradient(y, z), new int[] {}, 5); // the connected source still works
            }
        }
    }

    @Test
    void a_tracked_source_the_target_does_not_depend_on_gets_exact_zeros_without_asking() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(1));
            Tensor unused = tape.watch(Tensor.vector(1, 2));
            List<Tensor> g = tape.gradient(x.square(), List.of(x, unused));
            assertZeros(Shape.of(2), g.get(1));
        }
    }

    // ------------------------------------------------------------ anomaly scopes

    private static boolean logOfZeroThrows() {
        try {
            Tensor.scalar(0).log();
            return false;
        } catch (NonFiniteValueException e) {
            return true;
        }
    }

    @Test
    void anomaly_scopes_closed_out_of_order_leave_the_flag_and_the_checks_consistent() {
        AnomalyMode first = AnomalyMode.enable();
        AnomalyMode second = AnomalyMode.enable();
        first.close(); // out of order
        assertTrue(AnomalyMode.isEnabled(), "second is still open");
        assertTrue(logOfZeroThrows(), "and the checks are on while it is");
        second.close();
        assertFalse(AnomalyMode.isEnabled());
        assertFalse(logOfZeroThrows(), "after all scopes are closed log(0) no longer throws");
    }

    @Test
    void an_anomaly_scope_closed_from_another_thread_turns_its_share_off() throws Exception {
        AnomalyMode kept = AnomalyMode.enable();
        AnomalyMode handedOff = AnomalyMode.enable();
        Thread t = new Thread(handedOff::close);
        t.start();
        t.join();
        assertTrue(AnomalyMode.isEnabled(), "one scope is still open");
        assertTrue(logOfZeroThrows());
        Thread u = new Thread(kept::close);
        u.start();
        u.join();
        assertFalse(AnomalyMode.isEnabled(), "both closed, from another thread");
        assertFalse(logOfZeroThrows(), "and the checks are off too");
    }

    @Test
    void a_scope_opened_on_a_pooled_thread_and_closed_elsewhere_does_not_fail_the_next_task() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            AnomalyMode scope = pool.submit(AnomalyMode::enable).get();
            scope.close(); // from this thread
            assertFalse(pool.submit(AnomalyMode::isEnabled).get(), "the pooled thread's flag");
            assertFalse(pool.submit(RegressionTest::logOfZeroThrows).get(), "an unrelated task's log(0)");
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    // ------------------------------------------------------------ error messages

    private static void assertMessageNamesNoVariable(Executable body, String... fragments) {
        IllegalArgumentException e = assertThrowsWithMessage(IllegalArgumentException.class, body::execute, fragments);
        assertFalse(e.getMessage().contains("t.shape"), "a leftover variable name in: " + e.getMessage());
    }

    @Test
    void shape_op_errors_show_shapes_not_a_leftover_variable_name() {
        Tensor a = Tensor.zeros(2, 3);
        assertMessageNamesNoVariable(() -> a.broadcastTo(3, 3), "broadcastTo", "(2, 3)", "(3, 3)");
        assertMessageNamesNoVariable(() -> Tensor.zeros(4).transpose(), "transpose", "(4,)");
        assertMessageNamesNoVariable(() -> a.slice(1, 2, 5), "slice", "(2, 3)", "[2, 5)");
        assertMessageNamesNoVariable(() -> a.slice(2, 0, 1), "slice", "axis 2", "(2, 3)");
        assertMessageNamesNoVariable(() -> a.permute(0), "permute", "(2, 3)", "[0]");
        assertMessageNamesNoVariable(() -> a.permute(0, 0), "permute", "(2, 3)", "not a permutation");
        assertMessageNamesNoVariable(() -> a.split(1, 1, 1), "split", "(2, 3)", "[1, 1]");
        assertMessageNamesNoVariable(() -> a.split(3, 1), "split", "axis 3", "(2, 3)");
    }

    @Test
    void split_with_a_negative_size_names_split() {
        Tensor a = Tensor.zeros(2, 3);
        assertThrowsWithMessage(IllegalArgumentException.class, () -> a.split(1, 4, -1), "split", "[4, -1]");
    }

    @Test
    void sum_to_calls_the_target_shape_the_targets() {
        IllegalArgumentException e = assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).sumTo(Shape.of(2)), "sumTo", "the target shape (2,)", "the tensor's shape (2, 3)");
        assertFalse(e.getMessage().contains("tensor's shape (2,)"), e.getMessage());
    }

    @Test
    void arange_of_a_negative_count_is_an_illegal_argument() {
        // was a bare NegativeArraySizeException from new double[-1]
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.arange(-1), "Tensor.arange", "-1", ">= 0");
        assertValues(Tensor.arange(0), new int[] {0});
        assertValues(Tensor.arange(3), new int[] {3}, 0, 1, 2);
    }

    @Test
    void log_sum_exp_of_an_empty_tensor_names_log_sum_exp() {
        for (Executable body : List.<Executable>of(() -> Tensor.zeros(0).logSumExp(), () -> Tensor.zeros(2, 0).logSumExp(),
                () -> Tensor.zeros(0).logSumExp(0, true), () -> Tensor.zeros(2, 0).logSumExp(1, false))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, body);
            if (!e.getMessage().startsWith("logSumExp:") || !e.getMessage().contains("empty")) {
                fail("the message should name logSumExp and say the tensor is empty: " + e.getMessage());
            }
        }
        // max keeps its own name
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.zeros(0).max(), "max", "empty");
    }
}
