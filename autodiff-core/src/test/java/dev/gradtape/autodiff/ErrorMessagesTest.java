package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets an exception whose message names the operation, the shapes or values involved
 * and what would be valid; these tests pin the message contents, not just the type.
 */
class ErrorMessagesTest {
    private static final Tensor A = Tensor.zeros(2, 3);
    private static final Tensor B = Tensor.zeros(4);

    @Test
    void non_broadcastable_shapes_name_the_op_and_both_shapes() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.add(B),
                "add", "(2, 3)", "(4,)", "cannot be broadcast", "equal or one of them 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.mul(B), "mul", "(2, 3)", "(4,)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.div(B), "div", "(2, 3)", "(4,)");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Tensor.where(Tensor.ones(2, 3), A, B), "where", "(2, 3)", "(4,)");
    }

    @Test
    void composite_ops_report_mismatches_under_their_own_name() {
        // regression: sub reported "add", maximum and minimum reported "greaterEqual"
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.sub(B), "sub:", "(2, 3)", "(4,)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.maximum(B), "maximum:", "(2, 3)", "(4,)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.minimum(B), "minimum:", "(2, 3)", "(4,)");
        // regression: mean reported "sum" and logSumExp reported "max"
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.mean(2, false),
                "mean:", "axis 2", "(2, 3)", "-2 to 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.logSumExp(-3, true),
                "logSumExp:", "axis -3", "(2, 3)");
    }

    @Test
    void matmul_inner_dimension_mismatch_names_op_and_both_shapes() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.matmul(Tensor.zeros(2, 3)),
                "matmul", "(2, 3)", "do not match", "(3)", "(2)");
        // regression: a batch mismatch named only the batch shapes (2,) and (3,), not the operands
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 1)), "matmul", "(2, 2, 3)", "(3, 3, 1)",
                "batch dimensions (2,) and (3,)");
    }

    @Test
    void data_length_must_equal_the_shape_size() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3),
                "Tensor.of", "5 values", "(2, 3)", "exactly 6");
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> Tensor.matrix(new double[][] {{1, 2}, {3}}), "Tensor.matrix", "row 1", "equal length");
    }

    @Test
    void negative_dimensions_are_refused() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.zeros(2, -1),
                "dimension 1 is -1", "[2, -1]", ">= 0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Shape.of(-3),
                "dimension 0 is -3", ">= 0");
    }

    @Test
    void reshape_names_itself_when_the_target_is_impossible() {
        // regression: these reported "Shape: dimension 1 is -1", hiding the inference failure
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.reshape(4, -1),
                "reshape", "(2, 3)", "6 elements", "[4, -1]", "not a multiple of 4");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.reshape(-1, -1),
                "reshape", "[-1, -1]", "at most one may be -1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.reshape(-2, -3),
                "reshape", "[-2, -3]", ">= 0");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.reshape(4, 2),
                "reshape", "(2, 3)", "[4, 2]", "8 elements", "sizes must be equal");
    }

    @Test
    void axes_out_of_range_name_the_op_and_the_valid_range() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.sum(2, false),
                "sum", "axis 2", "(2, 3)", "-2 to 1");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.scalar(1).max(0, true),
                "max", "scalar has no axes");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.slice(1, 2, 5),
                "slice", "[2, 5)", "(2, 3)", "end <= 3");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.split(1, 1, 1),
                "split", "[1, 1]", "add up to 2", "has 3");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.pad(0, -1, 0),
                "pad", "must not be negative");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.permute(0, 0),
                "permute", "[0, 0]", "not a permutation");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> B.transpose(),
                "transpose", "(4,)", "fewer than 2 axes");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.concat(0, A, B),
                "concat", "(2, 3)", "(4,)", "only that axis may differ");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.broadcastTo(3, 3),
                "broadcastTo", "(2, 3)", "(3, 3)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.sumTo(Shape.of(2)),
                "sumTo", "(2,)", "(2, 3)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.clamp(1, 0),
                "clamp", "1.0", "0.0", "lo <= hi");
    }

    @Test
    void gradient_of_a_non_scalar_needs_an_output_gradient() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.ones(2, 2));
            Tensor y = x.mul(2);
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.gradient(y, x),
                    "GradientTape.gradient", "(2, 2)", "4 elements", "output gradient", "sum()");
        }
    }

    @Test
    void output_gradient_must_have_the_target_shape() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.ones(2, 2));
            Tensor y = x.mul(2);
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> tape.gradient(y, List.of(x), Tensor.ones(4)), "output gradient", "(4,)", "(2, 2)");
        }
    }

    @Test
    void a_closed_tape_refuses_gradient_and_watch() {
        GradientTape tape = new GradientTape();
        Tensor x = tape.watch(Tensor.scalar(3));
        Tensor y = x.square();
        tape.close();
        assertThrowsWithMessage(IllegalStateException.class, () -> tape.gradient(y, x),
                "GradientTape.gradient", "closed", "try-with-resources");
        assertThrowsWithMessage(IllegalStateException.class, () -> tape.watch(x), "GradientTape.watch", "closed");
    }

    @Test
    void a_second_gradient_call_on_a_non_persistent_tape_is_refused() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(3));
            Tensor y = x.square();
            tape.gradient(y, x);
            assertThrowsWithMessage(IllegalStateException.class, () -> tape.gradient(y, x),
                    "not persistent", "already computed", "GradientTape.persistent()");
        }
    }

    @Test
    void reading_values_errors() {
        assertThrowsWithMessage(IllegalStateException.class, () -> A.item(),
                "item", "(2, 3)", "6 elements", "exactly one");
        assertThrowsWithMessage(IndexOutOfBoundsException.class, () -> A.get(2, 0), "get", "[2, 0]", "(2, 3)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> A.get(1), "get", "1 coordinates", "one per axis");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> Tensor.uniform(1L, 1, 1, 2),
                "uniform", "[1.0, 1.0)", "lo < hi");
    }

    @Test
    void a_tape_belongs_to_its_thread() throws InterruptedException {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(1));
            Throwable[] thrown = new Throwable[1];
            Thread t = new Thread(() -> {
                try {
                    tape.gradient(x, x);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            }, "other-thread");
            t.start();
            t.join();
            assertThrowsWithMessage(IllegalStateException.class, () -> {
                throw thrown[0];
            }, "opened in thread", "other-thread");
        }
    }
}
