package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The user extension point: a {@link Function} subclass with a hand-written forward and backward
 * records on the tape like a built-in, and {@link GradCheck} verifies (or refutes) its backward.
 */
class CustomFunctionTest {
    /** x^3 with a raw-array forward; d/dx = 3 x^2, written with tensor ops so it is differentiable. */
    static final class Cube extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].toArray();
            for (int i = 0; i < x.length; i++) x[i] = x[i] * x[i] * x[i];
            return Tensor.of(x, in[0].shape().dims());
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).square().mul(3))};
        }
    }

    /** swish(x) = x sigmoid(x); d/dx = s + x s (1 - s) with s = sigmoid(x). */
    static final class Swish extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(in[0].sigmoid());
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            Tensor x = node.input(0);
            Tensor s = x.sigmoid();
            return new Tensor[] {g.mul(s.add(x.mul(s).mul(s.neg().add(1))))};
        }
    }

    /** x^3 with a wrong backward: 2 x^2 instead of 3 x^2. */
    static final class WrongCube extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].pow(3);
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).square().mul(2))};
        }
    }

    /**
     * x^3 whose backward is right in value but computed from raw numbers, so it is a constant to
     * any outer tape: first-order checks pass, second-order checks must fail.
     */
    static final class OpaqueCube extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].pow(3);
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            double[] x = node.input(0).toArray();
            for (int i = 0; i < x.length; i++) x[i] = 3 * x[i] * x[i];
            return new Tensor[] {g.mul(Tensor.of(x, node.input(0).shape().dims()))};
        }
    }

    /** a * b where b is a constant parameter the backward declines to differentiate (null). */
    static final class ScaleBy extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(in[1]);
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {node.needsGradient(0) ? g.mul(node.input(1)).sumTo(node.input(0).shape()) : null, null};
        }
    }

    private static final Tensor X = Tensor.of(new double[] {-1.5, -0.3, 0.4, 1.1, 2.0, 0.7}, 2, 3);

    @Test
    void a_custom_op_is_recorded_on_the_tape_and_differentiated_like_a_builtin() {
        List<String> steps = new ArrayList<>();
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(2, -1));
            Tensor y = new Cube().apply(x);
            assertTrue(tape.isTracked(y));
            assertEquals(1, tape.size());
            assertValues(y, new int[] {2}, 8, -1);
            BackwardWalk walk = tape.backwardWalk(y.sum(), List.of(x));
            walk.steps().forEach(step -> steps.add(step.node().signature()));
            assertValues(walk.gradients().get(0), new int[] {2}, 12, 3);
        }
        assertEquals(List.of("sum((2,)) -> ()", "cube((2,)) -> (2,)"), steps);
    }

    @Test
    void grad_check_verifies_correct_custom_ops_to_first_and_second_order() {
        GradCheck.defaults().assertGradients(in -> new Cube().apply(in.get(0)), X);
        GradCheck.defaults().assertGradients(in -> new Swish().apply(in.get(0)), X);
        GradCheck.defaults().assertSecondOrder(in -> new Cube().apply(in.get(0)), X);
        GradCheck.defaults().assertSecondOrder(in -> new Swish().apply(in.get(0)), X);
    }

    @Test
    void grad_check_catches_a_wrong_backward_and_names_input_index_and_values() {
        GradCheck.Result r = GradCheck.defaults().check(in -> new WrongCube().apply(in.get(0)), X);
        assertFalse(r.passed());
        assertEquals(6, r.checked());
        assertEquals(6, r.mismatches().size()); // 2 x^2 != 3 x^2 wherever x != 0
        GradCheck.Mismatch first = r.mismatches().get(0);
        assertEquals(0, first.input());
        assertEquals(0, first.index());
        assertEquals(Shape.of(2, 3), first.shape());
        // the analytic value is 2/3 of the numeric one, with the output weight w_0 as a factor
        assertEquals(2.0 / 3, first.analytic() / first.numeric(), 1e-6);
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradCheck.defaults().assertGradients(in -> new WrongCube().apply(in.get(0)), X));
        String m = e.getMessage();
        for (String fragment : new String[] {"GradCheck failed", "6 of 6", "input 0 (2, 3)", "element 0",
                "analytic " + first.analytic(), "numeric " + first.numeric()}) {
            assertTrue(m.contains(fragment), "missing \"" + fragment + "\" in: " + m);
        }
    }

    @Test
    void a_backward_that_is_not_itself_differentiable_fails_the_second_order_check() {
        GradCheck.defaults().assertGradients(in -> new OpaqueCube().apply(in.get(0)), X);
        GradCheck.Result second = GradCheck.defaults().checkSecondOrder(in -> new OpaqueCube().apply(in.get(0)), X);
        assertFalse(second.passed(), second::toString);
    }

    @Test
    void a_backward_may_return_null_for_an_input_that_gets_no_gradient() {
        try (GradientTape tape = new GradientTape()) {
            Tensor a = tape.watch(Tensor.vector(1, 2));
            Tensor b = tape.watch(Tensor.scalar(3));
            Tensor y = new ScaleBy().apply(a, b).sum();
            List<Tensor> g = tape.gradient(y, List.of(a, b));
            assertValues(g.get(0), new int[] {2}, 3, 3);
            assertValues(g.get(1), new int[] {}, 0); // no gradient: zeros, as for an unused source
        }
    }

    @Test
    void forward_runs_with_recording_paused() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(2));
            new Swish().apply(x); // its forward uses mul and sigmoid, which must not be recorded
            assertEquals(1, tape.size());
        }
    }

    @Test
    void the_default_name_is_the_class_name_in_lower_camel_case() {
        assertEquals("cube", new Cube().name());
        assertEquals("wrongCube", new WrongCube().name());
        assertEquals("cube", new Cube().toString());
        try (GradientTape tape = new GradientTape()) {
            Tensor y = new Cube().apply(tape.watch(Tensor.ones(2)));
            assertEquals("cube((2,)) -> (2,)", y.creator.toString(), "the node names the function");
        }
    }

    /** Regression: a forward that returns a tensor the tape already tracks gets its own node. */
    @Test
    void a_forward_returning_an_already_watched_tensor_gets_an_output_of_its_own() {
        Tensor w = Tensor.scalar(2.0);
        Tensor x = Tensor.scalar(5.0);
        final class ReturnsW extends Function { // y = w whatever x is, so dy/dx = 0
            @Override
            protected Tensor forward(Tensor... in) {
                return w;
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {g.mul(0.0)};
            }
        }
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(x);
            Tensor y = new ReturnsW().apply(x);
            assertTrue(y != w, "the output is a new tensor");
            Tensor loss = y.mul(w); // dL/dw = y = 2 through the direct path only
            List<Tensor> g = tape.gradient(loss, List.of(w, x));
            assertEquals(2.0, g.get(0).item(), 0.0);
            assertEquals(0.0, g.get(1).item(), 0.0);
        }
    }
}
