package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.Backprop.run;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What each operation's gradient is exactly at its kinks, where the derivative is undefined and a
 * convention decides (the gradient properties stay 1e-3 away from these points). The conventions
 * follow PyTorch where it has one.
 */
class KinkConventionsTest {
    @Test
    void relu_derivative_at_zero_is_zero() {
        List<Tensor> r = run(in -> in.get(0).relu(), Tensor.scalar(0));
        assertValues(r.get(0), new int[] {}, 0);
        assertValues(r.get(1), new int[] {}, 0);
    }

    @Test
    void abs_derivative_at_zero_is_zero() {
        List<Tensor> r = run(in -> in.get(0).abs(), Tensor.vector(0, -0.0));
        assertValues(r.get(1), new int[] {2}, 0, 0);
    }

    @Test
    void maximum_tie_sends_the_whole_gradient_to_the_left_operand() {
        List<Tensor> r = run(in -> in.get(0).maximum(in.get(1)), Tensor.scalar(2), Tensor.scalar(2));
        assertValues(r.get(1), new int[] {}, 1);
        assertValues(r.get(2), new int[] {}, 0);
    }

    @Test
    void minimum_tie_sends_the_whole_gradient_to_the_left_operand() {
        List<Tensor> r = run(in -> in.get(0).minimum(in.get(1)), Tensor.scalar(2), Tensor.scalar(2));
        assertValues(r.get(1), new int[] {}, 1);
        assertValues(r.get(2), new int[] {}, 0);
    }

    @Test
    void maximum_with_zero_at_zero_differs_from_relu() {
        // maximum(x, 0) at x = 0 is a tie, so the gradient goes to x (1); relu's convention gives 0
        List<Tensor> r = run(in -> in.get(0).maximum(0), Tensor.scalar(0));
        assertValues(r.get(1), new int[] {}, 1);
    }

    @Test
    void clamp_passes_the_gradient_at_both_bounds() {
        List<Tensor> r = run(in -> in.get(0).clamp(-1, 1), Tensor.vector(-1, 1, -1.0000001, 1.0000001));
        assertValues(r.get(0), new int[] {4}, -1, 1, -1, 1);
        assertValues(r.get(1), new int[] {4}, 1, 1, 0, 0);
    }

    @Test
    void max_of_tied_elements_sends_the_gradient_to_the_first_only() {
        List<Tensor> r = run(in -> in.get(0).max(), Tensor.vector(3, 1, 3));
        assertValues(r.get(1), new int[] {3}, 1, 0, 0);
        Tensor x = Tensor.matrix(new double[][] {{2, 2}, {5, 5}});
        List<Tensor> columns = run(in -> in.get(0).max(0, false), x.transpose());
        assertValues(columns.get(1), new int[] {2, 2}, 1, 1, 0, 0);
    }

    @Test
    void softplus_derivative_at_zero_is_one_half() {
        List<Tensor> r = run(in -> in.get(0).softplus(), Tensor.scalar(0));
        assertValues(r.get(1), new int[] {}, 0.5);
    }

    @Test
    void sqrt_derivative_at_zero_is_infinite() {
        List<Tensor> r = run(in -> in.get(0).sqrt(), Tensor.scalar(0));
        assertEquals(Double.POSITIVE_INFINITY, r.get(1).item());
    }
}
