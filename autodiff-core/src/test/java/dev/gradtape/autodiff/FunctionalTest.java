package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The functional helpers: worked examples on paper, then against finite differences. */
class FunctionalTest {
    private static final UnaryOperator<Tensor> CUBES = x -> x.pow(3).sum(); // f(x) = sum x^3

    @Test
    void the_docs_example_on_paper() {
        Tensor x = Tensor.vector(1, 2);
        assertArrayEquals(new double[] {3, 12}, Functional.gradient(CUBES, x).toArray(), 0); // 3 x^2
        assertArrayEquals(new double[] {6, 0}, Functional.hvp(CUBES, x, Tensor.vector(1, 0)).toArray(), 0);
        Tensor h = Functional.hessian(CUBES, x);                                       // diag(6 x)
        assertEquals(Shape.of(2, 2), h.shape());
        assertArrayEquals(new double[] {6, 0, 0, 12}, h.toArray(), 0);
        Tensor j = Functional.jacobian(z -> z.mul(z), x);                               // diag(2 x)
        assertArrayEquals(new double[] {2, 0, 0, 4}, j.toArray(), 0);
    }

    @Test
    void the_jacobian_has_the_output_shape_then_the_input_shape() {
        Tensor w = Tensor.randn(3, 2, 3);
        Tensor x = Tensor.randn(4, 3, 1);
        Tensor j = Functional.jacobian(w::matmul, x); // (2, 1) output, (3, 1) input
        assertEquals(Shape.of(2, 1, 3, 1), j.shape());
        // d (W x)[i] / d x[k] = W[i, k]
        assertArrayEquals(w.toArray(), j.reshape(2, 3).toArray(), 0);
    }

    @Test
    void an_hvp_of_a_small_mlp_equals_the_hessian_times_v_and_finite_differences() {
        Tensor w1 = Tensor.randn(5, 3, 4);
        Tensor w2 = Tensor.randn(6, 4, 1);
        Tensor data = Tensor.randn(7, 6, 3);
        UnaryOperator<Tensor> loss = b -> data.matmul(w1).add(b).tanh().matmul(w2).square().mean();
        Tensor b = Tensor.randn(8, 4);
        Tensor v = Tensor.randn(9, 4);
        Tensor hv = Functional.hvp(loss, b, v);
        Tensor viaHessian = Functional.hessian(loss, b).matmul(v);
        assertTrue(hv.allClose(viaHessian, 1e-12, 1e-12), hv + " vs " + viaHessian);
        // central differences of the gradient along v: (g(b + h v) - g(b - h v)) / 2h
        double h = 1e-6;
        Tensor fd = Functional.gradient(loss, b.add(v.mul(h))).sub(Functional.gradient(loss, b.sub(v.mul(h))))
                .div(2 * h);
        assertTrue(hv.allClose(fd, 1e-5, 1e-7), hv + " vs finite differences " + fd);
    }

    @Test
    void the_helpers_are_differentiable_again() {
        // d/dx of the hvp of sum x^3 along v: d/dx (6 x v) = 6 v, checked by GradCheck
        Tensor v = Tensor.vector(0.5, -2);
        GradCheck.defaults().assertGradients(in -> Functional.hvp(CUBES, in.get(0), v).sum(), Tensor.vector(1, 2));
    }

    @Test
    void a_function_that_does_not_depend_on_x_has_zero_derivatives() {
        Tensor x = Tensor.vector(1, 2);
        assertArrayEquals(new double[] {0, 0}, Functional.gradient(z -> Tensor.scalar(3), x).toArray(), 0);
        assertArrayEquals(new double[] {0, 0}, Functional.hvp(z -> z.sum(), x, Tensor.vector(3, 4)).toArray(), 0); // linear
    }

    @Test
    void bad_arguments_name_the_helper() {
        Tensor x = Tensor.vector(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.gradient(z -> z, x));
        assertTrue(e.getMessage().contains("Functional.gradient: f returned shape (2,)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.hvp(CUBES, x, Tensor.ones(3)));
        assertTrue(e.getMessage().contains("v has shape (3,) but x has shape (2,)"), e.getMessage());
    }
}
