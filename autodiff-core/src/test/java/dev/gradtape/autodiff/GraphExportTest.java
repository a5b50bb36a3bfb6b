package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Graphviz DOT export of recorded graphs, tensor and Value. */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class GraphExportTest {
    private static void assertContains(String dot, String... fragments) {
        for (String f : fragments) {
            assertTrue(dot.contains(f), () -> "missing \"" + f + "\" in:\n" + dot);
        }
    }

    @Test
    void a_tensor_graph_shows_ops_shapes_values_names_and_gradients() {
        try (GradientTape tape = new GradientTape()) {
            Tensor w = tape.watch(Tensor.vector(1, 2));
            Tensor x = Tensor.vector(3, 4);
            Tensor loss = w.mul(x).sum();
            Tensor g = tape.gradient(loss, w);
            Map<Tensor, String> names = new IdentityHashMap<>();
            names.put(w, "w");
            names.put(x, "x");
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            grads.put(w, g);
            String dot = GraphExport.dot(loss, names, grads);
            assertTrue(dot.startsWith("digraph gradtape {"), dot);
            assertTrue(dot.endsWith("}\n"), dot);
            assertContains(dot, "label=\"sum\"", "label=\"mul\"", "w | (2,) | data [1.000, 2.000] | grad [3.000, 4.000]",
                    "x | (2,) | data [3.000, 4.000]", "() | data 11.00");
            // edges: w and x into mul, mul's output into sum; each op into its output
            assertEquals(3, countOf(dot, " -> t") - countOf(dot, "_op -> t"), dot); // 3 tensor -> op edges
            assertEquals(2, countOf(dot, "_op -> t"), dot);                         // 2 op -> tensor edges
        }
    }

    private static int countOf(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void large_tensors_show_only_their_shape() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.ones(4, 5));
            String dot = GraphExport.dot(x.exp().sum());
            assertContains(dot, "(4, 5) }", "label=\"exp\"");
            assertFalse(dot.contains("data [1.000, 1.000"), dot);
        }
    }

    @Test
    void an_unrecorded_tensor_is_a_single_box() {
        String dot = GraphExport.dot(Tensor.scalar(2).exp());
        assertEquals(1, countOf(dot, "shape=record"), dot);
        assertEquals(0, countOf(dot, " -> "), dot);
    }

    @Test
    void a_value_graph_shows_labels_ops_data_and_gradients() {
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(2.0, "a");
            Value b = Value.of(-3.0, "b");
            Value e = a.mul(b).add(a).tanh();
            e.backward();
            String dot = GraphExport.dot(e);
            double t = Math.tanh(-4);
            double dA = (1 - t * t) * (b.data() + 1); // de/da = tanh'(ab + a) (b + 1)
            assertEquals(dA, a.grad(), 1e-12);
            assertContains(dot, "label=\"tanh\"", "label=\"add\"", "label=\"mul\"",
                    "a | () | data 2.000 | grad " + String.format(java.util.Locale.ROOT, "%.4g", dA),
                    "b | () | data -3.000 | grad");
        }
    }

    @Test
    void labels_are_escaped_for_dot() {
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(1));
            Map<Tensor, String> names = new IdentityHashMap<>();
            names.put(x, "a|b{c}\"d\"");
            String dot = GraphExport.dot(x.exp(), names, Map.of());
            assertContains(dot, "a\\|b\\{c\\}\\\"d\\\"");
        }
    }
}
