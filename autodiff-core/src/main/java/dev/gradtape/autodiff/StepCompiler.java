package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.Program;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Predicate;

/**
 * Turns a recorded forward pass into a {@link CompiledStep}: it records the backward pass as
 * more nodes (the gradient computed under a tape that records it, as JAX's {@code vjp} turns a
 * program into more program), keeps the nodes the results depend on, gives every tensor a buffer,
 * and asks every node's op for its kernel once. Nothing about any op is written here.
 */
final class StepCompiler {
    private StepCompiler() {
    }

    /**
     * @param record the tape's nodes, or null if the tape freed them
     * @throws IllegalArgumentException if the target was not recorded (nor is a variable's value or
     *     an input, which compile as eager mode differentiates them: 1 for itself) or has more than one
     *     element, a variable was not read or an input not watched while recording, or a watched
     *     leaf the target depends on is neither a variable nor an input
     * @throws IllegalStateException if the record was freed
     */
    static CompiledStep compile(List<Node> record, Tensor target, List<Variable> variables,
            List<Tensor> inputs, Predicate<Tensor> tracked) {
        java.util.Objects.requireNonNull(target, "GradientTape.compile: target is null");
        java.util.Objects.requireNonNull(variables, "GradientTape.compile: variables is null");
        java.util.Objects.requireNonNull(inputs, "GradientTape.compile: inputs is null");
        if (record == null) {
            throw new IllegalStateException("GradientTape.compile: the record was freed by gradient();"
                    + " call compile before gradient, or open the tape with GradientTape.persistent()");
        }
        Tensor[] leaves = new Tensor[variables.size()];
        for (int i = 0; i < leaves.length; i++) {
            Variable v = java.util.Objects.requireNonNull(variables.get(i), "GradientTape.compile: a variable is null");
            leaves[i] = v.current();
            if (!tracked.test(leaves[i]) || leaves[i].creator != null) {
                throw new IllegalArgumentException("GradientTape.compile: variable " + i + " (shape "
                        + v.shape() + ") was not read while this tape recorded (or was changed since);"
                        + " read it with value() inside the tape's block, after its last change");
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = java.util.Objects.requireNonNull(inputs.get(i), "GradientTape.compile: an input is null");
            if (!tracked.test(t) || t.creator != null) {
                throw new IllegalArgumentException("GradientTape.compile: input " + i + " (shape "
                        + t.shape + ") is not a leaf this tape watches; call tape.watch on it before"
                        + " using it, and pass tensors no recorded operation made");
            }
        }
        if (!tracked.test(target) || target.creator == null && !isLeaf(target, leaves, inputs)) {
            throw new IllegalArgumentException("GradientTape.compile: the target (shape " + target.shape
                    + ") was not recorded by this tape; compute it inside the tape's block from"
                    + " watched tensors");
        }
        if (target.size() != 1) {
            throw new IllegalArgumentException("GradientTape.compile: the target has shape " + target.shape
                    + "; a compiled step differentiates a single number, e.g. loss.sum()");
        }
        List<Node> forward = neededFor(record, List.of(target));
        IdentityHashMap<Tensor, Integer> declared = new IdentityHashMap<>();
        for (int i = 0; i < leaves.length; i++) {
            if (declared.put(leaves[i], declared.size()) != null) {
                throw new IllegalArgumentException("GradientTape.compile: variable " + i + " (shape "
                        + leaves[i].shape + ") is listed twice; name each variable once");
            }
        }
        for (Tensor t : inputs) {
            if (declared.put(t, declared.size()) != null) {
                throw new IllegalArgumentException("GradientTape.compile: input (shape " + t.shape
                        + ") is also a variable's value or listed twice; name each leaf once");
            }
        }
        checkNoFrozenLeaves(forward, declared, tracked);

        // The backward pass, recorded: a tape of our own walks the forward nodes again while a
        // second tape, which tracks every forward tensor, records what the walk computes. Tapes
        // the caller has open are paused, so they record none of it.
        List<Tensor> grads;
        List<Node> backward;
        try (NoRecording off = GradientTape.noRecording();
                GradientTape program = new GradientTape(true, false)) {
            for (Node n : forward) {
                for (Tensor t : n.inputs) {
                    program.watch(t);
                }
                program.watch(n.output);
            }
            try (GradientTape walk = new GradientTape(false, false)) {
                for (Tensor t : leaves) {
                    walk.watch(t);
                }
                for (Node n : forward) {
                    walk.adopt(n);
                }
                grads = walk.gradient(target, List.of(leaves), null, UnconnectedGradients.ZERO);
            }
            backward = new ArrayList<>(program.nodes());
        }
        List<Tensor> results = new ArrayList<>(grads);
        results.add(target);
        List<Node> all = new ArrayList<>(forward);
        all.addAll(backward);
        List<Node> steps = neededFor(all, results);
        return build(steps, leaves, inputs, target, grads, variables);
    }

    /** Whether {@code t} is one of the step's leaves: a variable's value or an input. */
    private static boolean isLeaf(Tensor t, Tensor[] leaves, List<Tensor> inputs) {
        for (Tensor leaf : leaves) {
            if (leaf == t) {
                return true;
            }
        }
        for (Tensor in : inputs) {
            if (in == t) {
                return true;
            }
        }
        return false;
    }

    /** The nodes of {@code record} (in order) that the values of {@code results} depend on. */
    static List<Node> neededFor(List<Node> record, List<Tensor> results) {
        IdentityHashMap<Tensor, Boolean> needed = new IdentityHashMap<>();
        for (Tensor t : results) {
            needed.put(t, true);
        }
        boolean[] keep = new boolean[record.size()];
        for (int i = record.size() - 1; i >= 0; i--) {
            Node n = record.get(i);
            if (needed.containsKey(n.output)) {
                keep[i] = true;
                for (Tensor t : n.inputs) {
                    needed.put(t, true);
                }
            }
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < keep.length; i++) {
            if (keep[i]) {
                out.add(record.get(i));
            }
        }
        return out;
    }

    private static void checkNoFrozenLeaves(List<Node> forward, IdentityHashMap<Tensor, Integer> declared,
            Predicate<Tensor> tracked) {
        IdentityHashMap<Tensor, Boolean> made = new IdentityHashMap<>();
        for (Node n : forward) {
            for (int j = 0; j < n.inputs.length; j++) {
                Tensor t = n.inputs[j];
                if (!made.containsKey(t) && !declared.containsKey(t) && tracked.test(t)) {
                    throw new IllegalArgumentException("GradientTape.compile: input " + j + " of "
                            + n.signature() + " is a tensor the tape watches but that is neither a"
                            + " variable nor an input; a compiled step would freeze it at its recorded"
                            + " value. Make it a Variable (to get its gradient) or list it as an input");
                }
            }
            made.put(n.output, true);
        }
    }

    private static CompiledStep build(List<Node> nodes, Tensor[] leaves, List<Tensor> inputs,
            Tensor target, List<Tensor> grads, List<Variable> variables) {
        IdentityHashMap<Tensor, Integer> buffer = new IdentityHashMap<>();
        List<Tensor> tensors = new ArrayList<>();
        for (Tensor t : leaves) {
            bufferOf(t, buffer, tensors);
        }
        for (Tensor t : inputs) {
            bufferOf(t, buffer, tensors);
        }
        Kernel[] kernels = new Kernel[nodes.size()];
        int[][] in = new int[nodes.size()][];
        int[] out = new int[nodes.size()];
        IdentityHashMap<Tensor, Boolean> made = new IdentityHashMap<>();
        for (int s = 0; s < nodes.size(); s++) {
            Node n = nodes.get(s);
            Shape[] shapes = new Shape[n.inputs.length];
            in[s] = new int[n.inputs.length];
            for (int j = 0; j < n.inputs.length; j++) {
                in[s][j] = bufferOf(n.inputs[j], buffer, tensors);
                shapes[j] = n.inputs[j].shape;
            }
            out[s] = bufferOf(n.output, buffer, tensors);
            made.put(n.output, true);
            kernels[s] = n.op.kernel(shapes, n.output.shape);
        }
        int[] gradBuffers = new int[grads.size()];
        for (int i = 0; i < gradBuffers.length; i++) {
            gradBuffers[i] = bufferOf(grads.get(i), buffer, tensors); // a zero gradient is a constant
        }
        int targetBuffer = bufferOf(target, buffer, tensors);
        int[] sizes = new int[tensors.size()];
        double[][] constants = new double[tensors.size()][];
        int leafCount = leaves.length + inputs.size();
        for (int b = 0; b < sizes.length; b++) {
            Tensor t = tensors.get(b);
            sizes[b] = t.size();
            // leaves start at their recorded values; every tensor no step makes keeps its value
            if (b < leafCount || !made.containsKey(t)) {
                constants[b] = t.data.clone();
            }
        }
        Program program = new Program(kernels, in, out, sizes, constants);
        return new CompiledStep(program, nodes, buffer, tensors, variables, leaves.length, inputs,
                targetBuffer, gradBuffers);
    }

    private static int bufferOf(Tensor t, IdentityHashMap<Tensor, Integer> buffer, List<Tensor> tensors) {
        Integer b = buffer.get(t);
        if (b == null) {
            b = tensors.size();
            buffer.put(t, b);
            tensors.add(t);
        }
        return b;
    }
}
