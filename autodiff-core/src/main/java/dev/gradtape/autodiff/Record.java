package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link GradientTape} keeps: the nodes it recorded, in creation order, and a slot for the
 * gradient of every tensor it tracks. The two algorithms of reverse mode live here: recording an
 * operation as it runs, and walking the record backwards.
 */
final class Record {
    final ArrayList<Node> nodes = new ArrayList<>();
    /** The gradient slot of each tracked tensor: the watched ones and the outputs recorded. */
    final Slots slots;

    Record(GradientTape tape) {
        slots = new Slots(tape);
    }

    /**
     * Records {@code op}'s application on every recording tape of this thread that tracks one of
     * its inputs: the one place where the graph grows. A creation-ordered list is already a
     * topological order, since an operation can only use values that exist.
     */
    static Tensor record(Op op, Tensor[] inputs, Tensor output) {
        TapeState state = TapeState.get();
        Node node = null;
        for (int k = state.floor, n = state.open.size(); k < n; k++) {
            GradientTape tape = state.open.get(k);
            Record record = tape.record();
            if (tape.isRecording() && record.tracksAny(inputs)) {
                if (node == null) {
                    node = new Node(op, inputs, output, null);
                    output.creator = node;
                }
                record.nodes.add(node);
                record.slots.addNew(output);
            }
        }
        if (state.anomaly()) {
            Anomaly.checkForward(op, inputs, output, state);
        }
        return output;
    }

    /**
     * The reverse walk: visits the recorded nodes from last to first, and each node that received
     * a gradient sends its inputs their shares, which are added per tensor in the order they
     * arrive (so a value used twice gets the sum, always in the same order). Returns the gradient
     * of every slot, null where none arrived, and writes each step down in {@code steps} unless
     * that is null.
     */
    Tensor[] backward(Tensor target, Tensor seed, List<BackwardWalk.Step> steps) {
        Tensor[] grads = new Tensor[slots.count()];
        int targetSlot = slots.of(target);
        if (targetSlot < 0) {
            return grads;
        }
        grads[targetSlot] = seed;
        TapeState state = TapeState.get();
        boolean[] needs = new boolean[3]; // which inputs of the current node need a gradient
        try {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node node = nodes.get(i);
                Tensor g = grads[slots.of(node.output)];
                if (g == null) {
                    continue;
                }
                Tensor[] inputs = node.inputs;
                if (needs.length < inputs.length) {
                    needs = new boolean[inputs.length];
                }
                for (int j = 0; j < inputs.length; j++) {
                    needs[j] = node.op.sendsGradient(j) && slots.tracks(inputs[j]);
                }
                state.inBackwardOf = node;
                Tensor[] inputGrads = node.backward(g, needs);
                state.inBackwardOf = null;
                if (state.anomaly()) {
                    Anomaly.checkBackward(node, g, inputGrads);
                }
                if (steps != null) {
                    steps.add(new BackwardWalk.Step(node, g, Arrays.asList(inputGrads)));
                }
                for (int j = 0; j < inputs.length; j++) {
                    if (needs[j] && inputGrads[j] != null) {
                        int s = slots.of(inputs[j]);
                        grads[s] = grads[s] == null ? inputGrads[j] : grads[s].add(inputGrads[j]);
                    }
                }
            }
        } finally {
            state.inBackwardOf = null;
        }
        return grads;
    }

    boolean tracksAny(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (slots.tracks(t)) {
                return true;
            }
        }
        return false;
    }
}
