package dev.gradtape.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recorded graph of a value as Graphviz DOT text, like micrograd's {@code draw_dot}: one box
 * per tensor (name, shape, and for small tensors values and gradient) and one ellipse per
 * operation. Render it with {@code dot -Tsvg graph.dot -o graph.svg}.
 *
 * <p>The graph is found by following each tensor back to the recorded operation that produced it,
 * so it shows what a tape recorded (operations on untracked tensors are not part of any graph).
 */
public final class GraphExport {
    private static final int SMALL = 6;

    private GraphExport() {
    }

    /**
     * The graph that produced {@code root}, without names or gradients.
     *
     * @param root the tensor whose history to draw, such as a loss
     * @return the graph as DOT text
     */
    public static String dot(Tensor root) {
        return dot(root, Map.of(), Map.of());
    }

    /**
     * The graph that produced {@code root}.
     *
     * @param root the tensor whose history to draw, such as a loss
     * @param names labels for some tensors (by identity), such as the watched inputs
     * @param gradients gradients to show beside some tensors (by identity)
     * @return the graph as DOT text
     */
    public static String dot(Tensor root, Map<Tensor, String> names, Map<Tensor, Tensor> gradients) {
        IdentityHashMap<Tensor, String> ids = new IdentityHashMap<>();
        List<Tensor> order = new ArrayList<>();
        ArrayDeque<Tensor> todo = new ArrayDeque<>();
        ids.put(root, "t0");
        order.add(root);
        todo.add(root);
        while (!todo.isEmpty()) {
            Tensor t = todo.poll();
            if (t.creator == null) {
                continue;
            }
            for (Tensor in : t.creator.inputs) {
                if (!ids.containsKey(in)) {
                    ids.put(in, "t" + ids.size());
                    order.add(in);
                    todo.add(in);
                }
            }
        }
        StringBuilder sb = new StringBuilder("digraph gradtape {\n  rankdir=LR;\n");
        sb.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
        for (Tensor t : order) {
            String id = ids.get(t);
            String name = lookup(names, t);
            StringBuilder label = new StringBuilder();
            label.append(name == null ? "" : escape(name) + " | ").append(t.shape);
            if (t.size() <= SMALL) {
                label.append(" | data ").append(values(t));
            }
            Tensor g = lookup(gradients, t);
            if (g != null && g.size() <= SMALL) {
                label.append(" | grad ").append(values(g));
            }
            sb.append("  ").append(id).append(" [shape=record, label=\"{ ").append(label)
                    .append(" }\"];\n");
            if (t.creator != null) {
                String opId = id + "_op";
                sb.append("  ").append(opId).append(" [shape=ellipse, label=\"")
                        .append(escape(t.creator.name())).append("\"];\n");
                sb.append("  ").append(opId).append(" -> ").append(id).append(";\n");
                for (Tensor in : t.creator.inputs) {
                    sb.append("  ").append(ids.get(in)).append(" -> ").append(opId).append(";\n");
                }
            }
        }
        return sb.append("}\n").toString();
    }

    /**
     * The graph of a scalar {@link Value}, labelled with its values' labels and gradients.
     *
     * @param root the value whose history to draw; the gradients shown are those its last
     *     {@link Value#backward()} stored
     * @return the graph as DOT text
     */
    public static String dot(Value root) {
        IdentityHashMap<Tensor, String> names = new IdentityHashMap<>();
        IdentityHashMap<Tensor, Tensor> grads = new IdentityHashMap<>();
        ArrayDeque<Value> todo = new ArrayDeque<>();
        IdentityHashMap<Value, Boolean> seen = new IdentityHashMap<>();
        todo.add(root);
        while (!todo.isEmpty()) {
            Value v = todo.poll();
            if (seen.put(v, Boolean.TRUE) != null) {
                continue;
            }
            if (!v.label().isEmpty()) {
                names.put(v.tensor(), v.label());
            }
            grads.put(v.tensor(), Tensor.scalar(v.grad()));
            todo.addAll(v.children());
        }
        return dot(root.tensor(), names, grads);
    }

    private static <V> V lookup(Map<Tensor, V> map, Tensor t) {
        if (map instanceof IdentityHashMap) {
            return map.get(t);
        }
        for (Map.Entry<Tensor, V> e : map.entrySet()) {
            if (e.getKey() == t) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String values(Tensor t) {
        StringBuilder sb = new StringBuilder(t.rank() == 0 ? "" : "[");
        for (int i = 0; i < t.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4g", t.data[i]));
        }
        return sb.append(t.rank() == 0 ? "" : "]").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("{", "\\{").replace("}", "\\}")
                .replace("|", "\\|").replace("<", "\\<").replace(">", "\\>");
    }
}
