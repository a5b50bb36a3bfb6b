package dev.gradtape.examples;

import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names for the tensors of a small graph, so that a backward walk can be narrated as
 * "e = a * b: a receives ..." rather than in shapes. A named node also keeps the formula the
 * tour wrote it with ("a * b"), by tensor identity, as the tape compares tensors.
 */
final class GraphNames {
    private final IdentityHashMap<Tensor, String> names = new IdentityHashMap<>();
    private final IdentityHashMap<Tensor, String> formulas = new IdentityHashMap<>();
    private final List<Tensor> nodes = new ArrayList<>();

    /** Names a leaf (an input or a parameter). */
    Tensor leaf(String name, Tensor t) {
        names.put(t, name);
        return t;
    }

    /**
     * Names {@code output}, the result of one primitive operation, written as {@code formula}
     * ("a * b", "tanh(h)") in the graph's names.
     */
    Tensor node(String name, String formula, Tensor output) {
        names.put(output, name);
        formulas.put(output, formula);
        nodes.add(output);
        return output;
    }

    /** The name of {@code t}: its given name, or its value for an unnamed constant scalar. */
    String nameOf(Tensor t) {
        String n = names.get(t);
        if (n != null) {
            return n;
        }
        return t.size() == 1 ? "const " + Narration.number(t.item()) : "(unnamed " + t.shape() + ")";
    }

    /**
     * How the operation that made {@code output} reads: "e = a * b", or, for an output the tour
     * did not name, {@code op(inputs)} with the inputs' names.
     */
    String equationOf(Tensor output, String op, List<Tensor> inputs) {
        String formula = formulas.get(output);
        if (formula == null) {
            StringBuilder args = new StringBuilder();
            for (int i = 0; i < inputs.size(); i++) {
                args.append(i == 0 ? "" : ", ").append(nameOf(inputs.get(i)));
            }
            formula = op + "(" + args + ")";
        }
        return nameOf(output) + " = " + formula;
    }

    /** The named nodes as equations, in the order they were computed (and recorded). */
    List<String> equations() {
        List<String> out = new ArrayList<>();
        for (Tensor t : nodes) {
            out.add(nameOf(t) + " = " + formulas.get(t));
        }
        return out;
    }

    /** The names given so far, by tensor identity (for {@code GraphExport}). */
    Map<Tensor, String> asMap() {
        return names;
    }
}
