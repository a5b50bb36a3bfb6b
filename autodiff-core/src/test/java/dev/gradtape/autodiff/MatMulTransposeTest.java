package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The matmul primitive with transposed operands: its value equals the product of materialised
 * transposes bit for bit, and its backward (written with the same primitive) passes first- and
 * second-order gradient checks for every flag combination, with and without batch broadcasting.
 */
class MatMulTransposeTest {
    private static final boolean[][] FLAGS = {{false, false}, {false, true}, {true, false}, {true, true}};

    /** Stored shapes so that op(A) is (..., 3, 4) and op(B) is (..., 4, 2). */
    private static Tensor operandA(boolean ta, long seed, int... batch) {
        return Tensor.randn(seed, dims(batch, ta ? 4 : 3, ta ? 3 : 4));
    }

    private static Tensor operandB(boolean tb, long seed, int... batch) {
        return Tensor.randn(seed, dims(batch, tb ? 2 : 4, tb ? 4 : 2));
    }

    private static int[] dims(int[] batch, int r, int c) {
        int[] d = java.util.Arrays.copyOf(batch, batch.length + 2);
        d[batch.length] = r;
        d[batch.length + 1] = c;
        return d;
    }

    @Test
    void equals_the_product_of_materialised_transposes_bit_for_bit() {
        for (boolean[] f : FLAGS) {
            Tensor a = operandA(f[0], 1, 2);
            Tensor b = operandB(f[1], 2, 2);
            Tensor direct = MatMul.of(f[0], f[1]).apply(a, b);
            Tensor viaTranspose = (f[0] ? a.transpose() : a).matmul(f[1] ? b.transpose() : b);
            assertTrue(direct.valueEquals(viaTranspose), "flags " + f[0] + ", " + f[1]);
        }
    }

    @Test
    void gradients_pass_the_gradient_check_for_every_flag_combination() {
        for (boolean[] f : FLAGS) {
            GradCheck.defaults().assertGradients(in -> MatMul.of(f[0], f[1]).apply(in.get(0), in.get(1)),
                    operandA(f[0], 3), operandB(f[1], 4));
        }
    }

    @Test
    void gradients_pass_with_broadcast_batch_axes() {
        for (boolean[] f : FLAGS) {
            GradCheck.defaults().assertGradients(in -> MatMul.of(f[0], f[1]).apply(in.get(0), in.get(1)),
                    operandA(f[0], 5, 2, 1), operandB(f[1], 6, 3));
        }
    }

    @Test
    void second_derivatives_pass_for_every_flag_combination() {
        for (boolean[] f : FLAGS) {
            // tanh makes the function non-bilinear, so the second derivatives are not trivially zero.
            GradCheck.defaults().assertSecondOrder(
                    in -> MatMul.of(f[0], f[1]).apply(in.get(0).tanh(), in.get(1)).tanh(),
                    operandA(f[0], 7), operandB(f[1], 8));
        }
    }

    @Test
    void mismatched_inner_dimensions_name_the_operation_and_shapes() {
        Tensor a = Tensor.zeros(3, 4);
        Tensor b = Tensor.zeros(3, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MatMul.of(false, false).apply(a, b));
        assertTrue(e.getMessage().startsWith("matmul: shapes (3, 4) and (3, 2) do not match"), e.getMessage());
        // With A transposed, op(A) is 4 x 3 and matches the 3 x 2 B.
        assertEquals(Shape.of(4, 2), MatMul.of(true, false).apply(a, b).shape());
    }
}
