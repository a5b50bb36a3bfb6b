package dev.gradtape.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The recorded graph of a value, to look at: as Graphviz DOT text, like micrograd's
 * {@code draw_dot}, or as a self-contained HTML page that steps through the backward pass.
 *
 * <p>{@link #dot} draws one box per tensor (name, shape, and for small tensors values and gradient)
 * and one ellipse per operation; render it with {@code dot -Tsvg graph.dot -o graph.svg}.
 *
 * <p>{@link #html} needs nothing installed: open the file in a browser. The page lays the graph out
 * itself, left to right in topological order, each value with its operation and forward value
 * (tensors as shapes, their values on hover or click), and its "step back" and "step forward"
 * buttons walk the backward pass one operation at a time: the operation's own rule with its
 * numbers, and each input's gradient as it arrives, with the sum when an input is used twice.
 * The page holds its script and styles inline and fetches nothing. Names and values are written
 * as text, never as markup. Graphs of more than 60 values (leaves and results) are not drawn;
 * the page says so.
 *
 * <pre>{@code
 * try (GradientTape tape = new GradientTape()) {
 *     Value a = Value.of(2.0, "a"), b = Value.of(-3.0, "b");
 *     Value loss = a.mul(b).add(a);
 *     Files.writeString(Path.of("graph.html"), GraphExport.html(loss));
 * }
 * }</pre>
 *
 * <p>The graph is found by following each tensor back to the recorded operation that produced it,
 * so it shows what a tape recorded (operations on untracked tensors are not part of any graph).
 * It can be drawn while the tape is open or after it has been closed or used.
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
        labels(root, names, grads);
        return dot(root.tensor(), names, grads);
    }

    /**
     * One graph of an HTML page.
     *
     * @param caption a line above the graph (may be empty)
     * @param target the value whose gradient the page walks back from: a single number, or a
     *     tensor whose walk starts from ones
     * @param names labels for some tensors (by identity); the others are called t0, t1, ... in
     *     topological order, and unwatched scalar constants by their value
     */
    public record Graph(String caption, Tensor target, Map<Tensor, String> names) {
        /**
         * Checks that no argument is null.
         *
         * @param caption a line above the graph (may be empty)
         * @param target the value whose gradient the page walks back from
         * @param names labels for some tensors (by identity)
         */
        public Graph {
            Objects.requireNonNull(caption, "GraphExport.Graph: caption is null");
            Objects.requireNonNull(target, "GraphExport.Graph: target is null");
            Objects.requireNonNull(names, "GraphExport.Graph: names is null (pass Map.of())");
        }
    }

    /**
     * The graph that produced {@code target} as a self-contained HTML page that steps through
     * its backward pass (see the class comment).
     *
     * @param target the value whose gradient the page walks back from: a single number, or a
     *     tensor whose walk starts from ones
     * @param names labels for some tensors (by identity), such as the watched inputs
     * @return the page, one self-contained HTML document
     */
    public static String html(Tensor target, Map<Tensor, String> names) {
        return html("gradtape: the graph and its backward pass", List.of(new Graph("", target, names)));
    }

    /**
     * The graph of a scalar {@link Value} as an HTML page, labelled with its values' labels.
     *
     * @param target the value whose gradient the page walks back from
     * @return the page, one self-contained HTML document
     */
    public static String html(Value target) {
        IdentityHashMap<Tensor, String> names = new IdentityHashMap<>();
        labels(target, names, new IdentityHashMap<>());
        return html(target.tensor(), names);
    }

    /**
     * Several graphs on one HTML page, one below the other, each with its own buttons.
     *
     * @param title the page's title
     * @param graphs the graphs, in page order
     * @return the page, one self-contained HTML document
     */
    public static String html(String title, List<Graph> graphs) {
        Objects.requireNonNull(title, "GraphExport.html: title is null");
        return GraphPage.html(title, List.copyOf(graphs));
    }

    /** The labels and gradients of the values {@code root} was computed from. */
    private static void labels(Value root, Map<Tensor, String> names, Map<Tensor, Tensor> grads) {
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
    }

    static <V> V lookup(Map<Tensor, V> map, Tensor t) {
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
