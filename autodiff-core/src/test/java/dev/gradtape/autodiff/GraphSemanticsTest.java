package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static dev.gradtape.testing.TensorAssertions.assertZeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the tape treats the graph as a whole: accumulation over several uses, sources the target
 * does not depend on, persistent tapes, the shape check on every backward edge, explicit output
 * gradients, detach, and what is and is not recorded.
 */
class GraphSemanticsTest {
    @Test
    void a_value_used_k_times_gets_the_sum_of_k_contributions() {
        for (int k = 1; k <= 5; k++) {
            try (GradientTape tape = new GradientTape()) {
                Tensor x = tape.watch(Tensor.scalar(2));
                Tensor y = Tensor.scalar(0);
                for (int i = 1; i <= k; i++) {
                    y = y.add(x.mul(i)); // use i contributes i
                }
                assertEquals(k * (k + 1) / 2.0, tape.gradient(y, x).item(), 0, "k = " + k);
            }
        }
    }

    @Test
    void a_value_feeding_both_operands_of_one_op_gets_both_contributions() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(3, -1));
            Tensor y = x.mul(x).sum(); // d/dx (x * x) = x + x
            assertValues(tape.gradient(y, x), new int[] {2}, 6, -2);
        }
    }

    @Test
    void a_source_on_an_unused_branch_gets_exact_zeros_of_its_shape() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(1, 2));
            Tensor unused = tape.watch(Tensor.ones(2, 3));
            Tensor branch = unused.exp().sum(); // recorded, but the target does not use it
            Tensor y = x.square().sum();
            List<Tensor> g = tape.gradient(y, List.of(x, unused, branch));
            assertValues(g.get(0), new int[] {2}, 2, 4);
            assertZeros(Shape.of(2, 3), g.get(1));
            assertZeros(Shape.SCALAR, g.get(2));
        }
    }

    @Test
    void an_unwatched_source_or_an_untracked_target_is_an_error_unless_zeros_are_asked_for() {
        Tensor never = Tensor.ones(3);
        try (GradientTape tape = GradientTape.persistent()) {
            Tensor x = tape.watch(Tensor.scalar(2));
            Tensor y = x.square();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y, never),
                    "source 0 (shape (3,)) is not tracked by this tape", "UnconnectedGradients.ZERO");
            Tensor constant = Tensor.scalar(5).mul(2); // nothing watched: not recorded
            assertEquals(1, tape.size());
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(constant, x),
                    "the target (shape ()) was not recorded by this tape");
            assertZeros(Shape.of(3), tape.gradient(constant, List.of(never), null,
                    UnconnectedGradients.ZERO).get(0));
            assertZeros(Shape.SCALAR, tape.gradient(constant, List.of(x), null,
                    UnconnectedGradients.ZERO).get(0));
        }
    }

    @Test
    void an_inner_tape_asked_about_a_tensor_only_the_outer_tape_watches_is_an_error() {
        try (GradientTape outer = new GradientTape()) {
            Tensor w = outer.watch(Tensor.scalar(3));
            try (GradientTape inner = new GradientTape()) {
                Tensor z = inner.watch(Tensor.scalar(5));
                Tensor y = w.mul(z);
                assertThrowsWithMessage(IllegalArgumentException.class, () -> inner.gradient(y, w),
                        "source 0 (shape ()) is not tracked by this tape");
            }
        }
    }

    @Test
    void a_tracked_source_the_target_does_not_depend_on_gets_zeros() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(2));
            Tensor unused = tape.watch(Tensor.ones(2));
            List<Tensor> g = tape.gradient(x.square(), List.of(x, unused));
            assertEquals(4, g.get(0).item(), 0);
            assertZeros(Shape.of(2), g.get(1));
        }
    }

    @Test
    void the_gradient_of_a_target_with_respect_to_itself_is_the_output_gradient() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(4));
            assertValues(tape.gradient(x, x), new int[] {}, 1);
        }
    }

    @Test
    void two_gradient_calls_on_a_persistent_tape_are_bit_identical() {
        try (GradientTape tape = GradientTape.persistent()) {
            Tensor x = tape.watch(Tensor.randn(7L, 3, 4));
            Tensor w = tape.watch(Tensor.randn(8L, 4, 2));
            Tensor loss = x.matmul(w).tanh().square().mean().add(x.exp().sum().log());
            List<Tensor> first = tape.gradient(loss, List.of(x, w));
            List<Tensor> second = tape.gradient(loss, List.of(x, w));
            assertBitIdentical(first.get(0), second.get(0));
            assertBitIdentical(first.get(1), second.get(1));
            // and a different target from the same record
            Tensor other = tape.gradient(x.sum(), x);
            assertValues(other, new int[] {3, 4}, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
            assertTrue(tape.isPersistent());
        }
    }

    @Test
    void a_backward_returning_a_wrong_shape_is_caught_on_the_edge() {
        class WrongShape extends Function {
            @Override
            protected Tensor forward(Tensor... in) {
                return in[0].mul(2);
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {g.sum()}; // a scalar for a (2, 3) input
            }
        }
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.ones(2, 3));
            Tensor y = new WrongShape().apply(x).sum();
            assertThrowsWithMessage(IllegalStateException.class, () -> tape.gradient(y, x),
                    "wrongShape", "gradient of shape ()", "input 0 of shape (2, 3)", "must have its input's shape");
        }
    }

    @Test
    void a_backward_returning_the_wrong_number_of_gradients_is_caught() {
        class TooFew extends Function {
            @Override
            protected Tensor forward(Tensor... in) {
                return in[0].add(in[1]);
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {g};
            }
        }
        try (GradientTape tape = new GradientTape()) {
            Tensor a = tape.watch(Tensor.scalar(1));
            Tensor y = new TooFew().apply(a, Tensor.scalar(2));
            assertThrowsWithMessage(IllegalStateException.class, () -> tape.gradient(y, a),
                    "tooFew", "one gradient per input (2)", "got 1");
        }
    }

    @Test
    void a_function_instance_is_stateless_and_each_application_is_its_own_node() {
        Function twice = new Function() {
            @Override
            protected Tensor forward(Tensor... in) {
                return in[0].mul(2.0);
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {g.mul(2.0)};
            }
        };
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(3));
            Tensor y = twice.apply(twice.apply(x));
            assertEquals(12.0, y.item());
            assertEquals(2, tape.size());
            assertEquals(4.0, tape.gradient(y, x).item());
        }
    }

    @Test
    void vector_jacobian_product_with_an_explicit_output_gradient() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(1, 2, 3));
            Tensor y = x.square(); // Jacobian diag(2x)
            List<Tensor> g = tape.gradient(y, List.of(x), Tensor.vector(4, 5, 6));
            assertValues(g.get(0), new int[] {3}, 8, 20, 36);
        }
    }

    @Test
    void vector_jacobian_product_through_a_matrix() {
        Tensor a = Tensor.matrix(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(1, 1));
            Tensor y = a.matmul(x); // J = A, so the VJP is v^T A
            List<Tensor> g = tape.gradient(y, List.of(x), Tensor.vector(1, 0, -1));
            assertValues(g.get(0), new int[] {2}, 1 - 5, 2 - 6);
        }
    }

    @Test
    void detach_stops_the_gradient() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(3));
            Tensor y = x.mul(x.detach()); // d/dx = x.detach() only, 3 rather than 6
            assertEquals(3, tape.gradient(y, x).item(), 0);
        }
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(3));
            assertEquals(0.0, tape.gradient(x.detach().mul(2.0), x).item(), 0); // nothing flows back
        }
        Tensor free = Tensor.scalar(3);
        try (GradientTape tape = new GradientTape()) {
            assertFalse(tape.isTracked(free.detach()), "outside a tape's graph detach is a new leaf");
        }
    }

    @Test
    void only_ops_on_tracked_tensors_are_recorded_in_creation_order() {
        List<String> steps = new ArrayList<>();
        try (GradientTape tape = new GradientTape()) {
            Tensor c = Tensor.scalar(2).exp(); // untracked: not recorded
            Tensor x = tape.watch(Tensor.scalar(1));
            Tensor y = x.mul(c).tanh().log();
            assertEquals(3, tape.size());
            BackwardWalk walk = tape.backwardWalk(y, List.of(x));
            walk.steps().forEach(step -> steps.add(step.node().name()));
            // d/dx log(tanh(x e^2)) at x = 1: e^2 / (tanh(e^2) cosh^2(e^2))
            double e2 = Math.exp(2);
            assertEquals(e2 / (Math.tanh(e2) * Math.pow(Math.cosh(e2), 2)), walk.gradients().get(0).item(), 1e-12);
        }
        assertEquals(List.of("log", "tanh", "mul"), steps, "backward walks the record in reverse");
    }

    @Test
    void nothing_is_recorded_after_the_tape_closes() {
        Tensor x;
        GradientTape tape = new GradientTape();
        x = tape.watch(Tensor.scalar(1));
        tape.close();
        tape.close(); // idempotent
        Tensor y = x.exp();
        assertEquals(0, tape.size());
        assertFalse(tape.isTracked(y));
    }

    @Test
    void nested_tapes_record_independently() {
        try (GradientTape outer = new GradientTape()) {
            Tensor x = outer.watch(Tensor.scalar(2));
            Tensor y;
            try (GradientTape inner = new GradientTape()) {
                Tensor z = inner.watch(Tensor.scalar(5));
                y = x.mul(z);
                assertEquals(2, inner.gradient(y, z).item(), 0);
            }
            assertEquals(5, outer.gradient(y, x).item(), 0);
        }
    }

    @Test
    void watch_accessed_watches_on_tapes_that_ask_for_it_only() {
        try (GradientTape eager = new GradientTape(); GradientTape explicit = new GradientTape(false, false)) {
            Tensor v = GradientTape.watchAccessed(Tensor.scalar(3)); // what a variable holder does on read
            assertTrue(eager.isTracked(v));
            assertFalse(explicit.isTracked(v));
            Tensor y = v.square();
            assertEquals(6, eager.gradient(y, v).item(), 0);
            assertThrowsWithMessage(IllegalArgumentException.class, () -> explicit.gradient(y, v),
                    "not tracked by this tape");
        }
    }
}
