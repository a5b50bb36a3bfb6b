package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.Backprop.run;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One example per elementwise operation whose value and gradient can be checked on paper; the
 * output gradient is all ones unless given. The numbers in the comments are the hand computation.
 */
class ElementwiseExamplesTest {
    private static final int[] SCALAR = {};
    private static final double LN2 = Math.log(2);
    private static final double LN3 = Math.log(3);

    private static Tensor v(double... values) {
        return Tensor.vector(values);
    }

    @Test
    void add_broadcasts_a_scalar_and_sums_its_gradient_back() {
        List<Tensor> r = run(in -> in.get(0).add(in.get(1)), v(1, 2), Tensor.scalar(10));
        assertValues(r.get(0), new int[] {2}, 11, 12);
        assertValues(r.get(1), new int[] {2}, 1, 1);
        assertValues(r.get(2), SCALAR, 2); // the scalar was used by both elements
    }

    @Test
    void add_constant() {
        List<Tensor> r = run(in -> in.get(0).add(0.5), v(1, 2));
        assertValues(r.get(0), new int[] {2}, 1.5, 2.5);
        assertValues(r.get(1), new int[] {2}, 1, 1);
    }

    @Test
    void sub_sends_minus_the_gradient_to_the_right_operand() {
        List<Tensor> r = run(in -> in.get(0).sub(in.get(1)), v(5, 3), v(1, 4));
        assertValues(r.get(0), new int[] {2}, 4, -1);
        assertValues(r.get(1), new int[] {2}, 1, 1);
        assertValues(r.get(2), new int[] {2}, -1, -1);
    }

    @Test
    void sub_constant() {
        List<Tensor> r = run(in -> in.get(0).sub(2), v(5, 3));
        assertValues(r.get(0), new int[] {2}, 3, 1);
        assertValues(r.get(1), new int[] {2}, 1, 1);
    }

    @Test
    void mul_of_a_column_and_a_row_gives_an_outer_product() {
        // (2,1) * (2,) -> (2,2): [[1*3, 1*4], [2*3, 2*4]]
        Tensor column = Tensor.of(new double[] {1, 2}, 2, 1);
        List<Tensor> r = run(in -> in.get(0).mul(in.get(1)), column, v(3, 4));
        assertValues(r.get(0), new int[] {2, 2}, 3, 4, 6, 8);
        assertValues(r.get(1), new int[] {2, 1}, 7, 7); // d/dcolumn_i = sum_j row_j = 3 + 4
        assertValues(r.get(2), new int[] {2}, 3, 3);    // d/drow_j = sum_i column_i = 1 + 2
    }

    @Test
    void mul_constant() {
        List<Tensor> r = run(in -> in.get(0).mul(-3), v(1, 2));
        assertValues(r.get(0), new int[] {2}, -3, -6);
        assertValues(r.get(1), new int[] {2}, -3, -3);
    }

    @Test
    void div_gives_one_over_b_and_minus_a_over_b_squared() {
        List<Tensor> r = run(in -> in.get(0).div(in.get(1)), Tensor.scalar(6), Tensor.scalar(3));
        assertValues(r.get(0), SCALAR, 2);
        assertValues(r.get(1), SCALAR, 1.0 / 3);
        assertValues(r.get(2), SCALAR, -6.0 / 9);
    }

    @Test
    void div_constant() {
        List<Tensor> r = run(in -> in.get(0).div(4), v(1, 2));
        assertValues(r.get(0), new int[] {2}, 0.25, 0.5);
        assertValues(r.get(1), new int[] {2}, 0.25, 0.25);
    }

    @Test
    void neg() {
        List<Tensor> r = run(in -> in.get(0).neg(), v(1, -2));
        assertValues(r.get(0), new int[] {2}, -1, 2);
        assertValues(r.get(1), new int[] {2}, -1, -1);
    }

    @Test
    void pow_cube_and_square_root() {
        List<Tensor> cube = run(in -> in.get(0).pow(3), Tensor.scalar(2));
        assertValues(cube.get(0), SCALAR, 8);
        assertValues(cube.get(1), SCALAR, 12); // 3 x^2
        List<Tensor> root = run(in -> in.get(0).pow(0.5), Tensor.scalar(4));
        assertValues(root.get(0), SCALAR, 2);
        assertValues(root.get(1), SCALAR, 0.25); // 0.5 x^-0.5
        List<Tensor> inverse = run(in -> in.get(0).pow(-1), Tensor.scalar(-2));
        assertValues(inverse.get(0), SCALAR, -0.5);
        assertValues(inverse.get(1), SCALAR, -0.25); // -x^-2
    }

    @Test
    void square() {
        List<Tensor> r = run(in -> in.get(0).square(), v(3, -1));
        assertValues(r.get(0), new int[] {2}, 9, 1);
        assertValues(r.get(1), new int[] {2}, 6, -2);
    }

    @Test
    void exp_is_its_own_derivative() {
        List<Tensor> r = run(in -> in.get(0).exp(), v(0, LN2));
        assertValues(r.get(0), new int[] {2}, 1, 2);
        assertValues(r.get(1), new int[] {2}, 1, 2);
    }

    @Test
    void log_has_derivative_one_over_x() {
        List<Tensor> r = run(in -> in.get(0).log(), v(1, 2, Math.E));
        assertValues(r.get(0), new int[] {3}, 0, LN2, 1);
        assertValues(r.get(1), new int[] {3}, 1, 0.5, 1 / Math.E);
    }

    @Test
    void sqrt_has_derivative_one_over_two_sqrt_x() {
        List<Tensor> r = run(in -> in.get(0).sqrt(), v(4, 9));
        assertValues(r.get(0), new int[] {2}, 2, 3);
        assertValues(r.get(1), new int[] {2}, 0.25, 1.0 / 6);
    }

    @Test
    void abs_has_derivative_sign_x() {
        List<Tensor> r = run(in -> in.get(0).abs(), v(-3, 2));
        assertValues(r.get(0), new int[] {2}, 3, 2);
        assertValues(r.get(1), new int[] {2}, -1, 1);
    }

    @Test
    void tanh_at_zero_and_at_log_two() {
        // tanh(ln 2) = (4 - 1) / (4 + 1) = 0.6, derivative 1 - 0.36
        List<Tensor> r = run(in -> in.get(0).tanh(), v(0, LN2));
        assertValues(r.get(0), new int[] {2}, 0, 0.6);
        assertValues(r.get(1), new int[] {2}, 1, 0.64);
    }

    @Test
    void sigmoid_at_zero_and_at_log_three() {
        // sigmoid(ln 3) = 3 / 4, derivative s (1 - s) = 3/16
        List<Tensor> r = run(in -> in.get(0).sigmoid(), v(0, LN3, -800));
        assertValues(r.get(0), new int[] {3}, 0.5, 0.75, 0);
        assertValues(r.get(1), new int[] {3}, 0.25, 0.1875, 0);
    }

    @Test
    void relu_passes_positive_values_and_their_gradient() {
        List<Tensor> r = run(in -> in.get(0).relu(), v(-1, 2));
        assertValues(r.get(0), new int[] {2}, 0, 2);
        assertValues(r.get(1), new int[] {2}, 0, 1);
    }

    @Test
    void softplus_is_log_one_plus_e_to_the_x_without_overflow() {
        // softplus(0) = ln 2, softplus(ln 3) = ln 4; derivative sigmoid: 1/2, 3/4; at 1000 exactly 1000 and 1
        List<Tensor> r = run(in -> in.get(0).softplus(), v(0, LN3, 1000, -1000));
        assertValues(r.get(0), new int[] {4}, LN2, Math.log(4), 1000, 0);
        assertValues(r.get(1), new int[] {4}, 0.5, 0.75, 1, 0);
    }

    @Test
    void maximum_routes_each_gradient_to_the_larger_operand() {
        List<Tensor> r = run(in -> in.get(0).maximum(in.get(1)), v(1, 4), v(2, 3));
        assertValues(r.get(0), new int[] {2}, 2, 4);
        assertValues(r.get(1), new int[] {2}, 0, 1);
        assertValues(r.get(2), new int[] {2}, 1, 0);
    }

    @Test
    void maximum_constant() {
        List<Tensor> r = run(in -> in.get(0).maximum(1.5), v(1, 4));
        assertValues(r.get(0), new int[] {2}, 1.5, 4);
        assertValues(r.get(1), new int[] {2}, 0, 1);
    }

    @Test
    void minimum_routes_each_gradient_to_the_smaller_operand() {
        List<Tensor> r = run(in -> in.get(0).minimum(in.get(1)), v(1, 4), v(2, 3));
        assertValues(r.get(0), new int[] {2}, 1, 3);
        assertValues(r.get(1), new int[] {2}, 1, 0);
        assertValues(r.get(2), new int[] {2}, 0, 1);
    }

    @Test
    void minimum_constant() {
        List<Tensor> r = run(in -> in.get(0).minimum(1.5), v(1, 4));
        assertValues(r.get(0), new int[] {2}, 1, 1.5);
        assertValues(r.get(1), new int[] {2}, 1, 0);
    }

    @Test
    void clamp_passes_the_gradient_inside_the_range_only() {
        List<Tensor> r = run(in -> in.get(0).clamp(-1, 1), v(-2, 0.5, 3));
        assertValues(r.get(0), new int[] {3}, -1, 0.5, 1);
        assertValues(r.get(1), new int[] {3}, 0, 1, 0);
    }

    @Test
    void where_sends_the_gradient_to_the_chosen_operand() {
        Tensor cond = v(1, 0, 1);
        List<Tensor> r = run(in -> Tensor.where(cond, in.get(0), in.get(1)), v(1, 2, 3), Tensor.scalar(9));
        assertValues(r.get(0), new int[] {3}, 1, 9, 3);
        assertValues(r.get(1), new int[] {3}, 1, 0, 1);
        assertValues(r.get(2), SCALAR, 1); // chosen once
    }

    @Test
    void comparisons_and_sign_are_masks_that_send_no_gradient() {
        assertValues(v(1, 2, 3).greater(2), new int[] {3}, 0, 0, 1);
        assertValues(v(1, 2, 3).greater(v(2)), new int[] {3}, 0, 0, 1);
        assertValues(v(1, 2, 3).greaterEqual(Tensor.scalar(2)), new int[] {3}, 0, 1, 1);
        assertValues(v(-4, 0, 0.5).sign(), new int[] {3}, -1, 0, 1);
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(v(-1, 2));
            Tensor mask = x.greater(0).add(x.sign()).add(x.greaterEqual(Tensor.scalar(0)));
            // recorded (so that a Replay recomputes them: 3 comparisons and 2 adds), but no
            // gradient flows back through a comparison
            assertEquals(5, tape.size());
            assertValues(mask, new int[] {2}, -1, 3);
            assertValues(tape.gradient(mask.sum(), x), new int[] {2}, 0, 0);
        }
    }
}
