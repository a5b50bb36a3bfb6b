package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parameters are updated in place, yet every tensor a parameter handed out stays as it was; and
 * an optimiser fed from a compiled step takes the same steps as one fed tensors.
 */
class InPlaceUpdateTest {
    private static Sequential model(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Dense(3, 4, rng), new Tanh(), new Dense(4, 1, rng));
    }

    private static final Tensor X = Tensor.of(new double[] {0.5, -1, 2, 1, 0, -0.5}, 2, 3);
    private static final Tensor Y = Tensor.of(new double[] {1, -1}, 2, 1);

    @Test
    void a_value_handed_out_before_a_step_keeps_its_values() {
        Sequential m = model(1);
        Parameter kernel = m.parameters().get(0);
        Tensor before = kernel.value();
        double[] copy = before.toArray();
        assertSame(before, kernel.value(), "the same tensor until the values change");
        Adam adam = new Adam(0.1);
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = Losses.meanSquaredError(m.forward(X), Y);
            adam.apply(m.parameters(), tape.gradient(loss, Parameter.values(m.parameters())));
        }
        assertArrayEquals(copy, before.toArray(), 0.0, "an old value never changes");
        Tensor after = kernel.value();
        assertNotSame(before, after);
        assertTrue(!after.valueEquals(before), "the step moved the kernel");
    }

    @Test
    void assign_copies_so_the_assigned_tensor_and_the_parameter_stay_independent() {
        Parameter p = new Parameter("w", Tensor.vector(1, 2));
        Tensor source = Tensor.vector(3, 4);
        p.assign(source);
        assertTrue(p.value().valueEquals(source));
        new Sgd(1.0).apply(List.of(p), List.of(Tensor.vector(1, 1)));
        assertTrue(source.valueEquals(Tensor.vector(3, 4)), "the assigned tensor is untouched");
        assertTrue(p.value().valueEquals(Tensor.vector(2, 3)), p.value().toString());
        double[] out = new double[2];
        p.variable().copyTo(out);
        assertArrayEquals(new double[] {2, 3}, out, 0.0);
        assertThrows(IllegalArgumentException.class, () -> p.variable().copyTo(new double[3]));
    }

    @Test
    void an_optimiser_fed_from_a_compiled_step_takes_the_same_steps_as_one_fed_tensors() {
        for (Optimizer[] pair : List.of(new Optimizer[] {new Adam(0.05), new Adam(0.05)},
                new Optimizer[] {Sgd.builder().learningRate(0.05).momentum(0.9).nesterov(true).build(),
                    Sgd.builder().learningRate(0.05).momentum(0.9).nesterov(true).build()},
                new Optimizer[] {new RmsProp(0.01), new RmsProp(0.01)})) {
            Sequential eager = model(2);
            Sequential replayed = model(2);
            Tensor x = Tensor.zeros(2, 3);
            Tensor y = Tensor.zeros(2, 1);
            CompiledStep step;
            try (GradientTape tape = new GradientTape()) {
                tape.watch(x);
                tape.watch(y);
                step = tape.compile(Losses.meanSquaredError(replayed.forward(x), y),
                        Parameter.variables(replayed.parameters()), List.of(x, y));
            }
            for (int i = 0; i < 50; i++) {
                try (GradientTape tape = new GradientTape()) {
                    Tensor loss = Losses.meanSquaredError(eager.forward(X), Y);
                    pair[0].apply(eager.parameters(), tape.gradient(loss, Parameter.values(eager.parameters())));
                }
                step.start().set(x, X).set(y, Y).run();
                pair[1].apply(replayed.parameters(), step.gradients());
            }
            for (int k = 0; k < eager.parameters().size(); k++) {
                assertTrue(eager.parameters().get(k).value().valueEquals(replayed.parameters().get(k).value()),
                        pair[0] + ": parameter " + k + " differs after 50 steps");
            }
            assertEquals(pair[0].state().keySet(), pair[1].state().keySet());
        }
    }

    @Test
    void two_views_of_one_variable_in_one_step_both_see_the_old_value() {
        Parameter w = new Parameter("w", Tensor.vector(1.0));
        Parameter view = w.prefixed("again");
        List<Parameter> both = new ArrayList<>(List.of(w, view));
        new Sgd(0.5).apply(both, List.of(Tensor.vector(1.0), Tensor.vector(2.0)));
        // each entry's update is computed from the old value 1; the later write wins: 1 - 0.5 * 2
        assertEquals(0.0, w.value().item(), 0.0);
    }

    @Test
    void applying_a_compiled_step_s_gradients_before_it_ran_is_refused() {
        Sequential m = model(3);
        Tensor x = Tensor.zeros(2, 3);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            step = tape.compile(m.forward(x).sum(), Parameter.variables(m.parameters()), List.of(x));
        }
        step.start();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Adam().apply(m.parameters(), step.gradients()));
        assertTrue(e.getMessage().contains("run()"), e.getMessage());
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> new Adam().apply(m.parameters().subList(0, 2), step.gradients()));
        assertTrue(wrong.getMessage().contains("gradients"), wrong.getMessage());
    }
}
