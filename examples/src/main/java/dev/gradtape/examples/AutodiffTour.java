package dev.gradtape.examples;

import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.BackwardWalk;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.GraphExport;
import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.Variable;
import dev.gradtape.autodiff.Value;
import java.io.PrintWriter;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two graphs of the autodiff tour, each run forward, walked backward step by step, checked
 * against finite differences and exported as a DOT graph.
 *
 * <p>The scalar graph (worked by hand in docs/how-autodiff-works.md):
 * <pre>
 *   a = 2, b = -3, c = 10, f = -2
 *   e = a * b,  d = e + c,  g = d * f,  L = g + a
 * </pre>
 * {@code a} is used twice, so its gradient is the sum of what both uses send back:
 * dL/da = f * b + 1 = 7.
 *
 * <p>The tensor graph is one layer with a squared-output loss: L = sum(tanh(x W + b)^2), where
 * the bias b of shape (2) is broadcast over the two rows of x W, so its gradient is summed over
 * them.
 */
final class AutodiffTour {
    private AutodiffTour() {
    }

    /**
     * What one part of the tour produced.
     *
     * @param dot the recorded graph as Graphviz DOT text, with values and gradients
     * @param graph the recorded graph with its names, for the page that steps through the walk
     * @param gradients the gradient of L with respect to each leaf, by name, in order
     * @param check the finite-difference check of those gradients
     */
    record Part(String dot, GraphExport.Graph graph, Map<String, Tensor> gradients, GradCheck.Result check) {
    }

    /** The values of the scalar graph's leaves a, b, c, f. */
    static final double[] SCALAR_LEAVES = {2.0, -3.0, 10.0, -2.0};

    /** Part 1: the scalar expression with {@link Value}, micrograd style. */
    static Part scalar(PrintWriter out) {
        out.println("Part 1: a scalar expression with Value (micrograd style)");
        out.println();
        GraphNames names = new GraphNames();
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Tensor> shown = new IdentityHashMap<>();
        String dot;
        GraphExport.Graph graph;
        try (GradientTape tape = new GradientTape()) {
            Value a = leaf(names, "a", SCALAR_LEAVES[0]);
            Value b = leaf(names, "b", SCALAR_LEAVES[1]);
            Value c = leaf(names, "c", SCALAR_LEAVES[2]);
            Value f = leaf(names, "f", SCALAR_LEAVES[3]);
            out.println("  Forward pass, in the order the tape records it:");
            for (Value v : List.of(a, b, c, f)) {
                out.printf("    %s = %s%n", v.label(), Narration.number(v.data()));
            }
            Value e = node(out, names, "e", a.mul(b), "a * b");
            Value d = node(out, names, "d", e.add(c), "e + c");
            Value g = node(out, names, "g", d.mul(f), "d * f");
            Value loss = node(out, names, "L", g.add(a), "g + a");
            out.println();
            explainTheWalk(out, tape, names);
            out.println("  Backward pass, from the last entry to the first: the gradient each operation receives,");
            out.println("  then its own rule for what each input receives, and the sum when an input is used twice:");
            new Narration(out, names, "L").tell(loss.backward());
            out.println();
            out.println("  Gradients of L:");
            for (Value v : List.of(a, b, c, f, e, d, g, loss)) {
                String name = names.nameOf(v.tensor());
                out.printf("    dL/d%s = %s%n", name, Narration.number(v.grad()));
                shown.put(v.tensor(), Tensor.scalar(v.grad()));
                if (List.of("a", "b", "c", "f").contains(name)) {
                    gradients.put(name, Tensor.scalar(v.grad()));
                }
            }
            dot = GraphExport.dot(loss.tensor(), names.asMap(), shown);
            graph = new GraphExport.Graph("Part 1: L = (a * b + c) * f + a, with a = 2, b = -3, c = 10, f = -2",
                    loss.tensor(), names.asMap());
        }
        GradCheck.Result check = GradCheck.defaults().check(AutodiffTour::scalarExpression,
                Tensor.scalar(SCALAR_LEAVES[0]), Tensor.scalar(SCALAR_LEAVES[1]),
                Tensor.scalar(SCALAR_LEAVES[2]), Tensor.scalar(SCALAR_LEAVES[3]));
        out.println();
        out.println("  Checked against central finite differences: " + check);
        out.println();
        return new Part(dot, graph, gradients, check);
    }

    /** The scalar expression L = (a b + c) f + a, on tensors, for the gradient check. */
    static Tensor scalarExpression(List<Tensor> in) {
        return in.get(0).mul(in.get(1)).add(in.get(2)).mul(in.get(3)).add(in.get(0));
    }

    private static Value leaf(GraphNames names, String name, double x) {
        Value v = Value.of(x, name);
        names.leaf(name, v.tensor());
        return v;
    }

    private static Value node(PrintWriter out, GraphNames names, String name, Value v, String formula) {
        names.node(name, formula, v.tensor());
        out.printf("    %s = %s = %s%n", name, formula, Narration.number(v.data()));
        return v;
    }

    /** What the tape holds and why the walk goes backwards, in the graph's own names. */
    private static void explainTheWalk(PrintWriter out, GradientTape tape, GraphNames names) {
        out.printf("  The tape has recorded %d operations, one entry each, in the order they ran:%n", tape.size());
        out.printf("    %s.%n", String.join(", ", names.equations()));
        out.println("  An entry holds the operation, its inputs and its output: all that the operation's");
        out.println("  backward rule needs. The walk visits the entries in reverse, because a value can pass");
        out.println("  its gradient on only once every later use has sent it its share, and every use of a");
        out.println("  value was recorded after the value itself.");
        out.println();
    }

    /** The tensor graph's inputs: x (2, 3), W (3, 2), b (2). */
    static List<Tensor> tensorLeaves() {
        return List.of(
                Tensor.matrix(new double[][] {{1.0, 2.0, -1.0}, {0.5, -1.0, 2.0}}),
                Tensor.matrix(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.2}}),
                Tensor.vector(0.1, -0.1));
    }

    /** L = sum(tanh(x W + b)^2), as one function of [x, W, b], for the gradient check. */
    static Tensor tensorExpression(List<Tensor> in) {
        Tensor y = in.get(0).matmul(in.get(1)).add(in.get(2)).tanh();
        return y.mul(y).sum();
    }

    /** Part 2: one dense layer on tensors, with broadcasting. */
    static Part tensor(PrintWriter out) {
        out.println("Part 2: tensors, one layer and a broadcast bias: L = sum(tanh(x W + b)^2)");
        out.println();
        GraphNames names = new GraphNames();
        Map<String, Tensor> gradients = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Tensor> shown = new IdentityHashMap<>();
        List<Tensor> leaves = tensorLeaves();
        String dot;
        GraphExport.Graph graph;
        try (GradientTape tape = new GradientTape()) {
            Tensor x = names.leaf("x", tape.watch(leaves.get(0)));
            Tensor w = names.leaf("W", tape.watch(leaves.get(1)));
            Tensor b = names.leaf("b", tape.watch(leaves.get(2)));
            out.println("  Forward pass:");
            print(out, "x", x);
            print(out, "W", w);
            print(out, "b", b);
            Tensor z = names.node("z", "x @ W", x.matmul(w));
            print(out, "z = x @ W", z);
            Tensor h = names.node("h", "z + b", z.add(b));
            print(out, "h = z + b  (b broadcast to each row)", h);
            Tensor y = names.node("y", "tanh(h)", h.tanh());
            print(out, "y = tanh(h)", y);
            Tensor s = names.node("s", "y * y", y.mul(y));
            print(out, "s = y * y", s);
            Tensor loss = names.node("L", "sum(s)", s.sum());
            print(out, "L = sum(s)", loss);
            out.println();
            out.println("  Backward pass, the same walk on tensors: each gradient has its input's shape.");
            List<Tensor> all = List.of(x, w, b, z, h, y, s, loss);
            BackwardWalk walk = tape.backwardWalk(loss, all);
            new Narration(out, names, "L").tell(walk);
            List<Tensor> grads = walk.gradients();
            out.println();
            out.println("  Gradients of L (each has its input's shape; b's is z's summed over rows):");
            for (int i = 0; i < all.size(); i++) {
                shown.put(all.get(i), grads.get(i));
                if (i < 3) {
                    String name = names.nameOf(all.get(i));
                    gradients.put(name, grads.get(i));
                    out.printf("    dL/d%s = %s%n", name, Narration.values(grads.get(i)));
                }
            }
            dot = GraphExport.dot(loss, names.asMap(), shown);
            graph = new GraphExport.Graph("Part 2: L = sum(tanh(x @ W + b)^2), b broadcast to each row",
                    loss, names.asMap());
        }
        GradCheck.Result check = GradCheck.defaults().check(AutodiffTour::tensorExpression,
                leaves.toArray(new Tensor[0]));
        out.println();
        out.println("  Checked against central finite differences: " + check);
        out.println();
        return new Part(dot, graph, gradients, check);
    }

    /**
     * Part 3: the tensor graph recorded once, compiled with its backward pass, and run again on a
     * new x. Returns true if the compiled step's gradients equal, bit for bit, those of a new tape
     * on the same new values.
     */
    static boolean replay(PrintWriter out) {
        out.println("Part 3: record once, run again (what tf.function and torch.jit.trace do)");
        out.println();
        List<Tensor> leaves = tensorLeaves();
        Tensor x = leaves.get(0);
        Variable w = new Variable(leaves.get(1));
        Variable b = new Variable(leaves.get(2));
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor loss = tensorExpression(List.of(x, w.value(), b.value()));
            step = tape.compile(loss, List.of(w, b), List.of(x));
        }
        out.println("  Part 2's record, compiled with its backward pass into one program: W and b are");
        out.println("  variables (read at the start of every run), x an input set on each run, and the");
        out.println("  steps after the loss are the backward pass, recorded as operations too.");
        for (String line : step.toString().split("\\R")) {
            out.println("    " + line);
        }
        Tensor newX = x.mul(-2.0);
        List<Tensor> compiled = step.start().set(x, newX).run().gradientTensors();
        List<Tensor> eager;
        try (GradientTape tape = new GradientTape()) {
            List<Tensor> in = List.of(newX, tape.watch(leaves.get(1)), tape.watch(leaves.get(2)));
            eager = tape.gradient(tensorExpression(in), in.subList(1, 3));
        }
        boolean same = compiled.get(0).valueEquals(eager.get(0)) && compiled.get(1).valueEquals(eager.get(1));
        out.println("  Run again with a new x, every element of the old one times -2 (no graph is built,");
        out.println("  the buffers are reused):");
        out.printf("    x     = %s%n", Narration.values(newX));
        out.printf("    dL/dW = %s%n", Narration.values(compiled.get(0)));
        out.printf("    dL/db = %s%n", Narration.values(compiled.get(1)));
        out.println("  Bit for bit what a new tape gives on the same values: " + same);
        out.println();
        return same;
    }

    /** A section of docs/how-autodiff-works.md (its heading) and what it adds to the tour. */
    record Pointer(String section, String what) {
    }

    /** Where the tour points to at its end, in the docs' order. */
    static final List<Pointer> READ_ON = List.of(
            new Pointer("1. The tape", "what the tape records, and why the walk goes in reverse"),
            new Pointer("2. A backward pass worked by hand", "Part 1 on paper, step by step"),
            new Pointer("3. Tensors, broadcasting and its backward", "Part 2: why b's gradient is a sum over rows"),
            new Pointer("4. Higher-order gradients", "a tape inside a tape differentiates the walk itself"),
            new Pointer("5. Adding an operation: the checklist", "an op's forward, backward rule and gradient check"),
            new Pointer("6. A compiled step: the tape, recorded twice and re-run", "Part 3"));

    /** The tour's last lines: the sections of docs/how-autodiff-works.md to read next. */
    static void readOn(PrintWriter out) {
        out.println("Read on in docs/how-autodiff-works.md:");
        int width = 0;
        for (Pointer p : READ_ON) {
            width = Math.max(width, p.section().length());
        }
        for (Pointer p : READ_ON) {
            out.printf("  %-" + width + "s  %s%n", p.section(), p.what());
        }
    }

    private static void print(PrintWriter out, String what, Tensor t) {
        out.printf("    %s = %s%n", what, Narration.values(t));
    }
}
