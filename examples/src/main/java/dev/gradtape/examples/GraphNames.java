package dev.gradtape.examples;

import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names for the tensors of a small graph, so that a backward walk can be narrated as "mul(e, f)
 * -> g" rather than in shapes. A named node remembers its inputs; the node that an operation
 * produced is then the one whose inputs are the operation's inputs (compared by identity, as the
 * tape compares them).
 */
final class GraphNames {
    private final IdentityHashMap<Tensor, String> names = new IdentityHashMap<>();
    private final List<Node> nodes = new ArrayList<>();

    private record Node(String name, Tensor output, List<Tensor> inputs) {
    }

    /** Names a leaf (an input or a parameter). */
    Tensor leaf(String name, Tensor t) {
        names.put(t, name);
        return t;
    }

    /** Names {@code output}, the result of one primitive operation applied to {@code inputs}. */
    Tensor node(String name, Tensor output, Tensor... inputs) {
        names.put(output, name);
        nodes.add(new Node(name, output, List.of(inputs)));
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

    /** The named node computed from exactly these inputs, or "?" if there is none. */
    String outputOf(List<Tensor> inputs) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            List<Tensor> in = nodes.get(i).inputs();
            if (in.size() == inputs.size() && sameIdentities(in, inputs)) {
                return nodes.get(i).name();
            }
        }
        return "?";
    }

    /** The names given so far, by tensor identity (for {@code GraphExport}). */
    Map<Tensor, String> asMap() {
        return names;
    }

    private static boolean sameIdentities(List<Tensor> a, List<Tensor> b) {
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i) != b.get(i)) {
                return false;
            }
        }
        return true;
    }
}
