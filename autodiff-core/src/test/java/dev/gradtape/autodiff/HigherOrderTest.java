package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertAllClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Gradients of gradients. Backward rules are written with tensor operations, so an outer tape
 * records the inner tape's backward walk and can differentiate it again (nested tapes, as in
 * TensorFlow). Checked against closed forms and against central differences of the first
 * gradient.
 */
class HigherOrderTest {
    /** f'(x) from one tape, as a plain number. */
    private static double firstDerivative(UnaryOperator<Tensor> f, double x0) {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(x0));
            return tape.gradient(f.apply(x), x).item();
        }
    }

    /** f''(x) from two nested tapes. */
    private static double secondDerivative(UnaryOperator<Tensor> f, double x0) {
        try (GradientTape outer = new GradientTape()) {
            Tensor x = outer.watch(Tensor.scalar(x0));
            Tensor dy;
            try (GradientTape inner = new GradientTape()) {
                inner.watch(x);
                dy = inner.gradient(f.apply(x), x);
            }
            return outer.gradient(dy, x).item();
        }
    }

    /** (f'(x + h) - f'(x - h)) / 2h. */
    private static double finiteDifferenceOfGradient(UnaryOperator<Tensor> f, double x0) {
        double h = 1e-5;
        return (firstDerivative(f, x0 + h) - firstDerivative(f, x0 - h)) / (2 * h);
    }

    private static void checkSecondDerivative(UnaryOperator<Tensor> f, UnaryOperator<Double> closedForm) {
        for (double x0 : new double[] {-1.3, -0.4, 0.2, 0.9, 1.7}) {
            double second = secondDerivative(f, x0);
            assertEquals(closedForm.apply(x0), second, 1e-12 * Math.max(1, Math.abs(second)), "closed form at " + x0);
            assertEquals(finiteDifferenceOfGradient(f, x0), second, 1e-6 * Math.max(1, Math.abs(second)),
                    "finite differences of the gradient at " + x0);
        }
    }

    @Test
    void second_derivative_of_x_cubed_is_6x() {
        checkSecondDerivative(x -> x.pow(3), x -> 6 * x);
        checkSecondDerivative(x -> x.mul(x).mul(x), x -> 6 * x); // the same through mul
    }

    @Test
    void second_derivative_of_exp_is_exp() {
        checkSecondDerivative(Tensor::exp, Math::exp);
    }

    @Test
    void second_derivative_of_tanh_is_minus_2_tanh_times_1_minus_tanh_squared() {
        checkSecondDerivative(Tensor::tanh, x -> {
            double t = Math.tanh(x);
            return -2 * t * (1 - t * t);
        });
    }

    @Test
    void third_derivative_of_x_to_the_fourth_is_24x() {
        double x0 = 1.5;
        try (GradientTape t3 = new GradientTape()) {
            Tensor x = t3.watch(Tensor.scalar(x0));
            Tensor d2;
            try (GradientTape t2 = new GradientTape()) {
                t2.watch(x);
                Tensor d1;
                try (GradientTape t1 = new GradientTape()) {
                    t1.watch(x);
                    d1 = t1.gradient(x.pow(4), x);
                }
                d2 = t2.gradient(d1, x);
            }
            assertEquals(12 * x0 * x0, d2.item(), 1e-12);
            assertEquals(24 * x0, t3.gradient(d2, x).item(), 1e-12);
        }
    }

    // ------------------------------------------------------------ Hessian-vector products

    /** A two-layer MLP's mean squared error on fixed data; parameters W1 (3 x 4), b1 (4), W2 (4 x 1). */
    private static Tensor mlpLoss(List<Tensor> params, boolean relu) {
        Tensor x = Tensor.uniform(11L, -1, 1, 5, 3);
        Tensor y = Tensor.uniform(12L, -1, 1, 5, 1);
        Tensor pre = x.matmul(params.get(0)).add(params.get(1));
        Tensor hidden = relu ? pre.relu() : pre.tanh();
        return hidden.matmul(params.get(2)).sub(y).square().sum().div(5);
    }

    private static List<Tensor> initialParams() {
        return List.of(Tensor.uniform(21L, -1, 1, 3, 4), Tensor.uniform(22L, -0.5, 0.5, 4),
                Tensor.uniform(23L, -1, 1, 4, 1));
    }

    private static List<Tensor> directions() {
        return List.of(Tensor.randn(31L, 3, 4), Tensor.randn(32L, 4), Tensor.randn(33L, 4, 1));
    }

    private static List<Tensor> gradient(List<Tensor> params, boolean relu) {
        try (GradientTape tape = new GradientTape()) {
            params.forEach(tape::watch);
            return tape.gradient(mlpLoss(params, relu), params);
        }
    }

    /** H v = d/dtheta (grad L(theta) . v), with the inner gradient recorded by the outer tape. */
    private static List<Tensor> hessianVectorProduct(List<Tensor> params, List<Tensor> v, boolean relu) {
        try (GradientTape outer = new GradientTape()) {
            params.forEach(outer::watch);
            List<Tensor> g;
            try (GradientTape inner = new GradientTape()) {
                params.forEach(inner::watch);
                g = inner.gradient(mlpLoss(params, relu), params);
            }
            Tensor gv = Tensor.scalar(0);
            for (int i = 0; i < g.size(); i++) {
                gv = gv.add(g.get(i).mul(v.get(i)).sum());
            }
            return outer.gradient(gv, params);
        }
    }

    private static List<Tensor> moved(List<Tensor> params, List<Tensor> v, double step) {
        List<Tensor> r = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            r.add(params.get(i).add(v.get(i).mul(step)));
        }
        return r;
    }

    private static void checkHvp(boolean relu) {
        List<Tensor> params = initialParams();
        List<Tensor> v = directions();
        List<Tensor> hv = hessianVectorProduct(params, v, relu);
        double h = 1e-5;
        List<Tensor> plus = gradient(moved(params, v, h), relu);
        List<Tensor> minus = gradient(moved(params, v, -h), relu);
        for (int i = 0; i < params.size(); i++) {
            Tensor numeric = plus.get(i).sub(minus.get(i)).div(2 * h);
            assertAllClose(numeric, hv.get(i), 1e-5, 1e-6);
        }
    }

    @Test
    void hessian_vector_product_of_a_tanh_mlp_matches_differences_of_its_gradient() {
        checkHvp(false);
    }

    @Test
    void hessian_vector_product_of_a_relu_mlp_matches_differences_of_its_gradient() {
        checkHvp(true);
    }

    // ------------------------------------------------------------ GradCheck's second-order check

    @Test
    void grad_check_second_order_passes_on_smooth_ops() {
        Tensor a = Tensor.uniform(41L, 0.5, 2, 2, 3);
        Tensor b = Tensor.uniform(42L, 0.5, 2, 3);
        Tensor m = Tensor.uniform(43L, -1, 1, 3, 2);
        GradCheck check = GradCheck.defaults();
        List<GradCheck.Fn> ops = List.of(
                in -> in.get(0).mul(in.get(1)),
                in -> in.get(0).div(in.get(1)),
                in -> in.get(0).pow(2.5),
                in -> in.get(0).log(),
                in -> in.get(0).sqrt(),
                in -> in.get(0).exp(),
                in -> in.get(0).tanh(),
                in -> in.get(0).sigmoid(),
                in -> in.get(0).softplus(),
                in -> in.get(0).logSumExp(1, false),
                in -> in.get(0).matmul(m).square(),
                in -> in.get(0).sub(in.get(1)).square().mean());
        for (int i = 0; i < ops.size(); i++) {
            GradCheck.Result r = check.checkSecondOrder(ops.get(i), a, b);
            assertEquals(true, r.passed(), "op " + i + ": " + r);
        }
    }

    @Test
    void grad_check_second_order_passes_through_shape_ops_and_selections() {
        Tensor a = Tensor.uniform(51L, -1, 1, 2, 3);
        List<GradCheck.Fn> ops = List.of(
                in -> in.get(0).transpose().reshape(-1).pad(0, 1, 1).square(),
                in -> Tensor.concat(1, in.get(0), in.get(0).slice(1, 0, 2)).exp(),
                in -> in.get(0).broadcastTo(4, 2, 3).sumTo(Shape.of(1, 3)).tanh(),
                in -> in.get(0).max(1, false).square(),
                in -> in.get(0).square().relu().mul(in.get(0)),
                in -> in.get(0).abs().mul(in.get(0).exp()),
                in -> Tensor.where(in.get(0).greater(0), in.get(0).square(), in.get(0).exp()),
                in -> in.get(0).permute(1, 0).matmul(in.get(0)).sum(0, true));
        for (int i = 0; i < ops.size(); i++) {
            GradCheck.Result r = GradCheck.defaults().checkSecondOrder(ops.get(i), a);
            assertEquals(true, r.passed(), "op " + i + ": " + r);
        }
    }
}
