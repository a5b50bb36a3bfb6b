package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.Backprop.run;
import static dev.gradtape.autodiff.Backprop.vjp;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One example per reduction and shape operation whose value and gradient can be checked on
 * paper. Where the gradient of a sum would be all ones and hide mistakes, the output gradient is
 * an explicit tensor of distinct values, so that each position can be followed by hand.
 */
class ReductionAndShapeExamplesTest {
    private static final double LN3 = Math.log(3);
    private static final Tensor M = Tensor.matrix(new double[][] {{1, 2, 3}, {4, 5, 6}});

    @Test
    void sum_of_all_elements() {
        List<Tensor> r = run(in -> in.get(0).sum(), M);
        assertValues(r.get(0), new int[] {}, 21);
        assertValues(r.get(1), new int[] {2, 3}, 1, 1, 1, 1, 1, 1);
    }

    @Test
    void sum_along_an_axis_broadcasts_the_gradient_back_over_it() {
        List<Tensor> r = vjp(in -> in.get(0).sum(0, false), Tensor.vector(10, 20, 30), M);
        assertValues(r.get(0), new int[] {3}, 5, 7, 9);
        assertValues(r.get(1), new int[] {2, 3}, 10, 20, 30, 10, 20, 30);
        List<Tensor> kept = vjp(in -> in.get(0).sum(-1, true), Tensor.of(new double[] {10, 20}, 2, 1), M);
        assertValues(kept.get(0), new int[] {2, 1}, 6, 15);
        assertValues(kept.get(1), new int[] {2, 3}, 10, 10, 10, 20, 20, 20);
    }

    @Test
    void mean_divides_the_gradient_by_the_count() {
        List<Tensor> r = run(in -> in.get(0).mean(), M);
        assertValues(r.get(0), new int[] {}, 3.5);
        assertValues(r.get(1), new int[] {2, 3}, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6, 1. / 6);
        List<Tensor> rows = run(in -> in.get(0).mean(1, true), M);
        assertValues(rows.get(0), new int[] {2, 1}, 2, 5);
        assertValues(rows.get(1), new int[] {2, 3}, 1. / 3, 1. / 3, 1. / 3, 1. / 3, 1. / 3, 1. / 3);
    }

    @Test
    void max_sends_the_gradient_to_the_largest_element() {
        List<Tensor> r = run(in -> in.get(0).max(), Tensor.vector(1, 7, 3));
        assertValues(r.get(0), new int[] {}, 7);
        assertValues(r.get(1), new int[] {3}, 0, 1, 0);
        Tensor x = Tensor.matrix(new double[][] {{1, 5}, {7, 2}});
        List<Tensor> rows = vjp(in -> in.get(0).max(1, false), Tensor.vector(10, 20), x);
        assertValues(rows.get(0), new int[] {2}, 5, 7);
        assertValues(rows.get(1), new int[] {2, 2}, 0, 10, 20, 0);
    }

    @Test
    void log_sum_exp_has_the_softmax_as_gradient() {
        // log(e^0 + e^ln3) = log 4; softmax = (1/4, 3/4)
        List<Tensor> r = run(in -> in.get(0).logSumExp(), Tensor.vector(0, LN3));
        assertValues(r.get(0), new int[] {}, Math.log(4));
        assertValues(r.get(1), new int[] {2}, 0.25, 0.75);
        Tensor x = Tensor.matrix(new double[][] {{0, LN3}, {1000, 1000}});
        List<Tensor> rows = run(in -> in.get(0).logSumExp(1, true), x);
        assertValues(rows.get(0), new int[] {2, 1}, Math.log(4), 1000 + Math.log(2));
        assertValues(rows.get(1), new int[] {2, 2}, 0.25, 0.75, 0.5, 0.5);
    }

    @Test
    void reshape_with_an_inferred_dimension_and_its_gradient() {
        Tensor up = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        List<Tensor> r = vjp(in -> in.get(0).reshape(3, -1), up, M);
        assertValues(r.get(0), new int[] {3, 2}, 1, 2, 3, 4, 5, 6);
        assertValues(r.get(1), new int[] {2, 3}, 1, 2, 3, 4, 5, 6); // the same order, reshaped back
    }

    @Test
    void broadcast_to_copies_and_its_gradient_sums() {
        Tensor up = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        List<Tensor> r = vjp(in -> in.get(0).broadcastTo(3, 2), up, Tensor.vector(7, 8));
        assertValues(r.get(0), new int[] {3, 2}, 7, 8, 7, 8, 7, 8);
        assertValues(r.get(1), new int[] {2}, 1 + 3 + 5, 2 + 4 + 6);
        List<Tensor> s = run(in -> in.get(0).broadcastTo(Shape.of(2, 2)), Tensor.scalar(5));
        assertValues(s.get(1), new int[] {}, 4);
    }

    @Test
    void sum_to_is_the_adjoint_of_broadcasting() {
        List<Tensor> r = vjp(in -> in.get(0).sumTo(Shape.of(1, 3)),
                Tensor.of(new double[] {1, 2, 3}, 1, 3), M);
        assertValues(r.get(0), new int[] {1, 3}, 5, 7, 9);
        assertValues(r.get(1), new int[] {2, 3}, 1, 2, 3, 1, 2, 3);
        assertValues(M.sumTo(Shape.SCALAR), new int[] {}, 21);
    }

    @Test
    void transpose_and_its_gradient() {
        Tensor up = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        List<Tensor> r = vjp(in -> in.get(0).transpose(), up, M);
        assertValues(r.get(0), new int[] {3, 2}, 1, 4, 2, 5, 3, 6);
        assertValues(r.get(1), new int[] {2, 3}, 1, 3, 5, 2, 4, 6); // up transposed back
    }

    @Test
    void permute_moves_axes_and_its_gradient_moves_them_back() {
        Tensor x = Tensor.arange(6).reshape(1, 2, 3);
        List<Tensor> r = vjp(in -> in.get(0).permute(2, 0, 1),
                Tensor.of(new double[] {10, 11, 12, 13, 14, 15}, 3, 1, 2), x);
        // y[k, 0, j] = x[0, j, k]
        assertValues(r.get(0), new int[] {3, 1, 2}, 0, 3, 1, 4, 2, 5);
        assertValues(r.get(1), new int[] {1, 2, 3}, 10, 12, 14, 11, 13, 15);
    }

    @Test
    void slice_and_its_zero_padded_gradient() {
        List<Tensor> r = vjp(in -> in.get(0).slice(1, 1, 3), Tensor.of(new double[] {1, 2, 3, 4}, 2, 2), M);
        assertValues(r.get(0), new int[] {2, 2}, 2, 3, 5, 6);
        assertValues(r.get(1), new int[] {2, 3}, 0, 1, 2, 0, 3, 4);
    }

    @Test
    void split_pieces_get_their_own_gradients() {
        List<Tensor> r = run(in -> {
            List<Tensor> parts = in.get(0).split(0, 2, 3);
            assertValues(parts.get(0), new int[] {2}, 1, 2);
            assertValues(parts.get(1), new int[] {3}, 3, 4, 5);
            return parts.get(0).sum().add(parts.get(1).sum().mul(2));
        }, Tensor.vector(1, 2, 3, 4, 5));
        assertValues(r.get(0), new int[] {}, 3 + 2 * 12);
        assertValues(r.get(1), new int[] {5}, 1, 1, 2, 2, 2);
    }

    @Test
    void pad_adds_zeros_and_its_gradient_slices_them_off() {
        List<Tensor> r = vjp(in -> in.get(0).pad(0, 1, 2), Tensor.vector(1, 2, 3, 4, 5), Tensor.vector(7, 8));
        assertValues(r.get(0), new int[] {5}, 0, 7, 8, 0, 0);
        assertValues(r.get(1), new int[] {2}, 2, 3);
    }

    @Test
    void concat_joins_and_hands_each_input_its_slice_of_the_gradient() {
        List<Tensor> r = vjp(in -> Tensor.concat(0, in.get(0), in.get(1)), Tensor.vector(10, 20, 30),
                Tensor.vector(1), Tensor.vector(2, 3));
        assertValues(r.get(0), new int[] {3}, 1, 2, 3);
        assertValues(r.get(1), new int[] {1}, 10);
        assertValues(r.get(2), new int[] {2}, 20, 30);
        Tensor rows = Tensor.concat(1, List.of(M, Tensor.zeros(2, 1)));
        assertValues(rows, new int[] {2, 4}, 1, 2, 3, 0, 4, 5, 6, 0);
    }

    @Test
    void concat_of_a_tensor_with_itself_sums_both_slices() {
        List<Tensor> r = vjp(in -> Tensor.concat(0, in.get(0), in.get(0)), Tensor.vector(1, 2, 3, 4),
                Tensor.vector(5, 6));
        assertValues(r.get(1), new int[] {2}, 1 + 3, 2 + 4);
        assertEquals(4, r.get(0).size());
    }
}
