package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static dev.gradtape.testing.TensorAssertions.assertValues;

import java.util.List;
import org.junit.jupiter.api.Test;

/** matmul worked on paper, its rank-1 and batched conventions, and its errors. */
class MatMulTest {
    private static final Tensor A = Tensor.matrix(new double[][] {{1, 2}, {3, 4}});
    private static final Tensor B = Tensor.matrix(new double[][] {{5, 6}, {7, 8}});

    @Test
    void two_by_two_product_and_its_gradients() {
        try (GradientTape tape = new GradientTape()) {
            Tensor a = tape.watch(A);
            Tensor b = tape.watch(B);
            Tensor c = a.matmul(b);
            // [1*5 + 2*7, 1*6 + 2*8; 3*5 + 4*7, 3*6 + 4*8]
            assertValues(c, new int[] {2, 2}, 19, 22, 43, 50);
            List<Tensor> g = tape.gradient(c.sum(), List.of(a, b));
            // dL/dA = G B^T with G all ones: row sums of B; dL/dB = A^T G: column sums of A
            assertValues(g.get(0), new int[] {2, 2}, 11, 15, 11, 15);
            assertValues(g.get(1), new int[] {2, 2}, 4, 4, 6, 6);
        }
    }

    @Test
    void vector_times_vector_is_a_scalar_dot_product() {
        // regression: rank-1 @ rank-1 threw ArrayIndexOutOfBoundsException instead of NumPy's 0-d result
        try (GradientTape tape = new GradientTape()) {
            Tensor u = tape.watch(Tensor.vector(1, 2, 3));
            Tensor v = tape.watch(Tensor.vector(4, 5, 6));
            Tensor dot = u.matmul(v);
            assertValues(dot, new int[] {}, 32);
            List<Tensor> g = tape.gradient(dot, List.of(u, v));
            assertValues(g.get(0), new int[] {3}, 4, 5, 6);
            assertValues(g.get(1), new int[] {3}, 1, 2, 3);
        }
    }

    @Test
    void vector_on_the_left_is_a_row_and_its_axis_is_dropped() {
        assertValues(Tensor.vector(1, 1).matmul(B), new int[] {2}, 12, 14);
    }

    @Test
    void vector_on_the_right_is_a_column_and_its_axis_is_dropped() {
        assertValues(A.matmul(Tensor.vector(1, 1)), new int[] {2}, 3, 7);
    }

    @Test
    void a_batch_of_one_broadcasts_against_a_batch_of_two() {
        Tensor batch = Tensor.of(new double[] {1, 0, 0, 1, 2, 0, 0, 2}, 2, 2, 2); // I and 2I
        try (GradientTape tape = new GradientTape()) {
            Tensor b = tape.watch(B);
            Tensor c = batch.matmul(b);
            assertValues(c, new int[] {2, 2, 2}, 5, 6, 7, 8, 10, 12, 14, 16);
            // B is used by both batch entries: dL/dB = I^T 1 + (2I)^T 1 = 3 everywhere
            assertValues(tape.gradient(c.sum(), b), new int[] {2, 2}, 3, 3, 3, 3);
        }
    }

    @Test
    void inner_dimension_mismatch_names_op_and_both_shapes() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> A.matmul(Tensor.zeros(3, 2)), "matmul", "(2, 2)", "(3, 2)");
    }

    @Test
    void scalar_operands_are_refused() {
        assertThrowsWithMessage(IllegalArgumentException.class,
                () -> A.matmul(Tensor.scalar(2)), "matmul", "(2, 2)", "()", "use mul");
    }
}
