package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The optimiser state map: its keys, and every way loading it can go wrong. */
class OptimizerStateTest {
    private static Adam trainedAdam() {
        Adam adam = new Adam(0.1);
        TwoParameterProblem p = new TwoParameterProblem();
        p.step(adam);
        p.step(adam);
        return adam;
    }

    @Test
    void state_lists_iterations_then_slots_per_parameter() {
        assertEquals(List.of("iterations", "m/a", "v/a", "m/b", "v/b"),
                List.copyOf(trainedAdam().state().keySet()));
        assertEquals(2.0, trainedAdam().state().get("iterations").item());
        assertEquals(List.of("iterations"), List.copyOf(new Sgd(0.1).state().keySet()));
    }

    private static void rejects(Map<String, Tensor> state, String... fragments) {
        Adam adam = trainedAdam();
        Map<String, Tensor> before = adam.state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.loadState(state));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
        Map<String, Tensor> after = adam.state();
        assertEquals(before.keySet(), after.keySet());
        for (String k : before.keySet()) {
            assertTrue(before.get(k).valueEquals(after.get(k)), k);
        }
    }

    @Test
    void bad_state_is_refused_and_changes_nothing() {
        Map<String, Tensor> good = trainedAdam().state();
        Map<String, Tensor> s = new LinkedHashMap<>(good);
        s.remove("iterations");
        rejects(s, "'iterations' is missing");
        s = new LinkedHashMap<>(good);
        s.put("iterations", Tensor.scalar(1.5));
        rejects(s, "whole number");
        s = new LinkedHashMap<>(good);
        s.put("velocity/a", Tensor.scalar(0));
        rejects(s, "unknown entry 'velocity/a'", "[m, v]");
        s = new LinkedHashMap<>(good);
        s.remove("v/b");
        rejects(s, "parameter 'b'", "v/b");
        s = new LinkedHashMap<>(good);
        s.put("v/b", Tensor.zeros(2));
        rejects(s, "'v/b' has shape (2,)", "shape ()");
    }

    @Test
    void loaded_state_continues_the_trajectory() {
        Adam a = trainedAdam();
        Adam b = new Adam(0.1);
        b.loadState(a.state());
        TwoParameterProblem pa = new TwoParameterProblem();
        TwoParameterProblem pb = new TwoParameterProblem();
        pa.step(a);
        pb.step(b);
        assertTrue(pa.a.value().valueEquals(pb.a.value()));
        assertEquals(3, b.iterations());
    }

    @Test
    void parameter_names_must_be_unique_in_one_update() {
        Parameter x = new Parameter("w", Tensor.scalar(1));
        Parameter y = new Parameter("w", Tensor.scalar(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Adam().apply(List.of(x, y), List.of(Tensor.scalar(1), Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());
        assertEquals(1.0, x.value().item());
    }

    @Test
    void state_of_another_shape_under_the_same_name_is_refused() {
        Adam adam = new Adam();
        adam.apply(List.of(new Parameter("w", Tensor.scalar(1))), List.of(Tensor.scalar(1)));
        Parameter other = new Parameter("w", Tensor.vector(1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.apply(List.of(other), List.of(Tensor.vector(1, 1))));
        assertTrue(e.getMessage().contains("one optimiser per model"), e.getMessage());
    }
}
