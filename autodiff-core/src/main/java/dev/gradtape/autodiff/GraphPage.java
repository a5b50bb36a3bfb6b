package dev.gradtape.autodiff;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The explorable page of {@link GraphExport#html}: the recorded graph and its backward walk as
 * data, poured into one HTML file whose script (graph-page.html, beside this class) lays the
 * graph out and steps through the walk. Nothing is fetched: no network, no fonts.
 *
 * <p>The walk is the tape's own: the recorded nodes are handed, in a topological order, to a fresh
 * tape ({@link GradientTape#adopt}), whose reverse loop runs each node's backward rule and writes
 * every step down ({@link GradientTape#backwardWalk}). The sums are the tape's sums, in the tape's
 * order, so the page's gradients equal the tape's bit for bit. Rules are not written here: each step carries its op's
 * own description ({@link Node#rule}), filled in with names and numbers by the page.
 */
final class GraphPage {
    /** The most values (leaves and results) a page draws; past it, the page says why it does not. */
    static final int MAX_VALUES = 60;
    /** The most elements of one tensor written into the page; larger ones show their shape only. */
    static final int MAX_ELEMENTS = 1000;

    private GraphPage() {
    }

    /** The whole page: {@code graphs} one below the other, under {@code title}. */
    static String html(String title, List<GraphExport.Graph> graphs) {
        StringBuilder data = new StringBuilder("[");
        for (int i = 0; i < graphs.size(); i++) {
            data.append(i == 0 ? "" : ",\n");
            graph(graphs.get(i), data);
        }
        data.append("]");
        return template().replace("{{TITLE}}", htmlText(title)).replace("/*{{DATA}}*/null", data);
    }

    /** The tensors of {@code target}'s graph in a topological order: inputs before results. */
    static List<Tensor> topologicalOrder(Tensor target) {
        // An iterative depth-first walk (no recursion, so deep graphs are fine), emitting a tensor
        // once all its inputs are out: for a program written top to bottom, the order it ran in.
        List<Tensor> order = new ArrayList<>();
        IdentityHashMap<Tensor, Boolean> done = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<Integer> next = new ArrayDeque<>();
        stack.push(target);
        next.push(0);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int i = next.pop();
            Tensor[] inputs = t.creator == null ? new Tensor[0] : t.creator.inputs;
            if (i < inputs.length) {
                next.push(i + 1);
                if (!done.containsKey(inputs[i])) {
                    done.put(inputs[i], Boolean.FALSE); // on the stack: a graph has no cycles
                    stack.push(inputs[i]);
                    next.push(0);
                }
            } else {
                stack.pop();
                done.put(t, Boolean.TRUE);
                order.add(t);
            }
        }
        return order;
    }

    private static void graph(GraphExport.Graph graph, StringBuilder json) {
        Tensor target = graph.target();
        List<Tensor> order = topologicalOrder(target);
        IdentityHashMap<Tensor, Integer> ids = new IdentityHashMap<>();
        int operations = 0;
        for (Tensor t : order) {
            ids.put(t, ids.size());
            operations += t.creator == null ? 0 : 1;
        }
        json.append("{\"caption\":");
        string(graph.caption(), json);
        json.append(",\"values\":").append(order.size()).append(",\"operations\":").append(operations)
                .append(",\"limit\":").append(MAX_VALUES);
        if (order.size() > MAX_VALUES) {
            json.append(",\"tooLarge\":true}");
            return;
        }
        List<String> names = new ArrayList<>();
        for (Tensor t : order) {
            names.add(nameOf(t, ids.get(t), graph.names()));
        }
        json.append(",\"target\":").append(ids.get(target)).append(",\"nodes\":[");
        for (Tensor t : order) {
            int id = ids.get(t);
            json.append(id == 0 ? "" : ",").append("\n{\"name\":");
            string(names.get(id), json);
            json.append(",\"value\":");
            tensor(t, json);
            if (t.creator != null) {
                json.append(",\"op\":");
                string(t.creator.name(), json);
                json.append(",\"inputs\":[");
                Tensor[] in = t.creator.inputs;
                for (int i = 0; i < in.length; i++) {
                    json.append(i == 0 ? "" : ",").append(ids.get(in[i]));
                }
                json.append("]");
            }
            json.append("}");
        }
        json.append("],\"seed\":");
        Tensor seed = Tensor.ones(target.shape);
        tensor(seed, json);
        json.append(",\"steps\":[");
        walk(target, order, seed, ids, json);
        json.append("]}");
    }

    /**
     * The backward walk of {@code target}, by a fresh tape over the recorded nodes, written as
     * steps: what each node received, and for each input its rule, its share and its running total.
     */
    private static void walk(Tensor target, List<Tensor> order, Tensor seed, IdentityHashMap<Tensor, Integer> ids,
            StringBuilder json) {
        IdentityHashMap<Tensor, Tensor> totals = new IdentityHashMap<>();
        IdentityHashMap<Tensor, Integer> uses = new IdentityHashMap<>();
        // Recording is off for the tapes open now, so that the walk's own operations land on none
        // of them; the fresh tape is opened inside the scope and records only what it adopts.
        try (NoRecording off = GradientTape.noRecording(); GradientTape tape = GradientTape.persistent()) {
            for (Tensor t : order) {
                if (t.creator == null && t.tape != null) {
                    tape.watch(t); // a leaf some tape watched: it receives a gradient
                } else if (t.creator != null) {
                    tape.adopt(t.creator);
                }
            }
            List<BackwardWalk.Step> steps = tape.backwardWalk(target, List.of(target), seed,
                    UnconnectedGradients.ZERO).steps();
            for (int k = 0; k < steps.size(); k++) {
                BackwardWalk.Step step = steps.get(k);
                Node node = step.node();
                json.append(k == 0 ? "" : ",").append("\n{\"node\":").append(ids.get(node.output))
                        .append(",\"received\":");
                tensor(step.received(), json);
                json.append(",\"sends\":[");
                for (int i = 0; i < node.inputs.length; i++) {
                    Tensor in = node.inputs[i];
                    Tensor g = step.sent().get(i);
                    // what the tape adds: a share it needed (GradientTape.backward's own condition)
                    boolean kept = g != null && node.op.sendsGradient(i) && tape.isTracked(in);
                    json.append(i == 0 ? "" : ",").append("{\"input\":").append(ids.get(in)).append(",\"rule\":");
                    string(node.rule(i), json);
                    if (kept) {
                        Tensor before = totals.get(in);
                        Tensor total = before == null ? g : before.add(g);
                        totals.put(in, total);
                        json.append(",\"uses\":").append(uses.merge(in, 1, Integer::sum)).append(",\"grad\":");
                        tensor(g, json);
                        json.append(",\"total\":");
                        tensor(total, json);
                    }
                    json.append("}");
                }
                json.append("]}");
            }
        }
    }

    private static String nameOf(Tensor t, int id, Map<Tensor, String> names) {
        String name = GraphExport.lookup(names, t);
        if (name != null && !name.isEmpty()) {
            return name;
        }
        if (t.creator == null && t.tape == null && t.size() == 1) {
            return "const " + t.data[0];
        }
        return "t" + id;
    }

    /** A tensor as {"shape":[...],"data":[...]}; data is left out past {@link #MAX_ELEMENTS}. */
    private static void tensor(Tensor t, StringBuilder json) {
        json.append("{\"shape\":").append(Arrays.toString(t.shape.dimsUnsafe()).replace(" ", ""));
        if (t.size() <= MAX_ELEMENTS) {
            json.append(",\"data\":[");
            for (int i = 0; i < t.size(); i++) {
                double v = t.data[i];
                json.append(i == 0 ? "" : ",");
                if (Double.isFinite(v)) {
                    json.append(v);
                } else {
                    json.append('"').append(v).append('"'); // "NaN", "Infinity": JSON has no such numbers
                }
            }
            json.append("]");
        }
        json.append("}");
    }

    /**
     * A JSON string that is also safe inside a script element: besides quotes, backslashes and
     * control characters, {@code <}, {@code >} and {@code &} are written as escapes, so that no
     * name can close the script ({@code </script>}) or open a comment.
     */
    static void string(String s, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }

    /** Text for HTML: the five characters that mean markup, as entities. */
    static String htmlText(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static String template() {
        try (InputStream in = GraphPage.class.getResourceAsStream("graph-page.html")) {
            if (in == null) {
                throw new IllegalStateException("GraphExport.html: graph-page.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("GraphExport.html: cannot read graph-page.html", e);
        }
    }
}
