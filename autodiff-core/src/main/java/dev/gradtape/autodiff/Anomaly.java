package dev.gradtape.autodiff;

/** The checks behind {@link AnomalyMode}. */
final class Anomaly {
    private Anomaly() {
    }

    static void checkForward(Op op, Tensor[] inputs, Tensor out, TapeState state) {
        int bad = firstNonFinite(out.data);
        if (bad < 0) {
            return;
        }
        Node backwardOf = state.inBackwardOf;
        String where = backwardOf == null ? "forward"
                : "backward of " + backwardOf.name() + " (while computing " + op.name() + ")";
        String what = op instanceof UserOps.Backward b
                ? "its backward's gradient for input " + b.input() + " (shape " + out.shape + ")"
                : op.name();
        throw new NonFiniteValueException(backwardOf == null ? op.name() : backwardOf.name(),
                backwardOf != null, "anomaly in " + where + ": " + what + " produced "
                + out.data[bad] + " at flat index " + bad + " of its output " + out.shape
                + " from inputs of shapes " + shapesOf(inputs) + describeInputs(inputs));
    }

    static void checkBackward(Node node, Tensor gradOutput, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                continue;
            }
            int bad = firstNonFinite(grads[i].data);
            if (bad >= 0) {
                throw new NonFiniteValueException(node.name(), true, "anomaly in backward of "
                        + node.name() + ": the gradient for input " + i + " (shape "
                        + node.inputs[i].shape + ") holds " + grads[i].data[bad]
                        + " at flat index " + bad + "; inputs of shapes "
                        + shapesOf(node.inputs) + ", incoming gradient " + gradOutput.shape);
            }
        }
    }

    /** The inputs' values when every input is a single number, else nothing. */
    static String describeInputs(Tensor[] inputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].data.length == 1) {
                sb.append(i == 0 ? "; input values " : ", ").append(inputs[i].data[0]);
            } else {
                return "";
            }
        }
        return sb.toString();
    }

    static String shapesOf(Tensor[] ts) {
        return java.util.Arrays.toString(java.util.Arrays.stream(ts).map(t -> t.shape.toString()).toArray());
    }

    static int firstNonFinite(double[] d) {
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                return i;
            }
        }
        return -1;
    }
}
