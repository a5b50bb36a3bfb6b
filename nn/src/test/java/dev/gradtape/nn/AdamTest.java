package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {
    @Test
    void keras_defaults() {
        Adam adam = new Adam();
        assertEquals(0.001, adam.learningRate());
        assertEquals(0.9, adam.beta1());
        assertEquals(0.999, adam.beta2());
        assertEquals(1e-7, adam.epsilon());
    }

    @Test
    void matches_the_published_equations_for_three_steps() {
        double lr = 0.05;
        double b1 = 0.8;
        double b2 = 0.95;
        double eps = 1e-3;
        TwoParameterProblem p = new TwoParameterProblem();
        Adam adam = Adam.builder().learningRate(lr).beta1(b1).beta2(b2).epsilon(eps).build();
        // reference: Kingma and Ba, the form before Section 2.1 (Keras), in scalar arithmetic
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        double ma = 0;
        double va = 0;
        double mb = 0;
        double vb = 0;
        for (int t = 1; t <= 3; t++) {
            p.step(adam);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            ma = b1 * ma + (1 - b1) * ga;
            mb = b1 * mb + (1 - b1) * gb;
            va = b2 * va + (1 - b2) * ga * ga;
            vb = b2 * vb + (1 - b2) * gb * gb;
            double lrT = lr * Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
            a -= lrT * ma / (Math.sqrt(va) + eps);
            b -= lrT * mb / (Math.sqrt(vb) + eps);
            assertEquals(a, p.a.value().item(), 1e-12, "a after step " + t);
            assertEquals(b, p.b.value().item(), 1e-12, "b after step " + t);
        }
        assertEquals(3, adam.iterations());
        assertEquals(ma, adam.state().get("m/a").item(), 1e-12);
        assertEquals(vb, adam.state().get("v/b").item(), 1e-12);
    }

    @Test
    void frozen_parameters_are_skipped() {
        Parameter w = new Parameter("w", Tensor.vector(1, 2));
        Parameter f = new Parameter("f", Tensor.vector(3));
        f.setTrainable(false);
        Adam adam = new Adam(0.1);
        adam.apply(List.of(w, f), List.of(Tensor.vector(1, -1), Tensor.vector(5)));
        assertEquals(3.0, f.value().item());
        // first Adam step moves each element by about lr against the gradient's sign
        assertEquals(0.9, w.value().get(0), 1e-6);
        assertEquals(2.1, w.value().get(1), 1e-6);
        assertTrue(adam.state().keySet().containsAll(List.of("iterations", "m/w", "v/w")));
        assertEquals(3, adam.state().size());
    }

    @Test
    void wrong_gradient_shape_changes_nothing() {
        Parameter w = new Parameter("w", Tensor.vector(1, 2));
        Parameter u = new Parameter("u", Tensor.vector(3));
        Adam adam = new Adam();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.apply(List.of(w, u), List.of(Tensor.vector(1, 1), Tensor.vector(1, 1))));
        assertTrue(e.getMessage().contains("'u'") && e.getMessage().contains("(2,)")
                && e.getMessage().contains("(1,)"), e.getMessage());
        assertEquals(1.0, w.value().get(0));
        assertEquals(0, adam.iterations());
        assertThrows(IllegalArgumentException.class, () -> adam.apply(List.of(w), List.of()));
    }

    /** Regression: a step count of 2^53 used to make the next step loop 2^53 times. */
    @Test
    void a_huge_step_count_costs_no_more_than_the_powers_reaching_zero() {
        java.util.List<Parameter> a = java.util.List.of(new Parameter("w", Tensor.vector(1, -2)));
        java.util.List<Parameter> b = java.util.List.of(new Parameter("w", Tensor.vector(1, -2)));
        Adam huge = new Adam(0.1);
        Adam large = new Adam(0.1);
        java.util.Map<String, Tensor> state = new java.util.LinkedHashMap<>();
        state.put("iterations", Tensor.scalar(0x1p53));
        state.put("m/w", Tensor.vector(0.5, 0.25));
        state.put("v/w", Tensor.vector(0.125, 2));
        huge.loadState(state);
        state.put("iterations", Tensor.scalar(1e6)); // both beta powers are 0 from here on
        large.loadState(state);
        huge.apply(a, java.util.List.of(Tensor.vector(0.3, -0.7)));
        large.apply(b, java.util.List.of(Tensor.vector(0.3, -0.7)));
        assertTrue(a.get(0).value().valueEquals(b.get(0).value()), a.get(0).value() + " vs " + b.get(0).value());
        assertEquals(0x1p53 + 1, huge.iterations(), 0.0);
    }
}
