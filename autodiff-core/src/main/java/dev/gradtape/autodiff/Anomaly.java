package dev.gradtape.autodiff;

/** The checks behind {@link AnomalyMode}. */
final class Anomaly {
    private Anomaly() {
    }

    static void checkForward(Function f, TapeState state) {
        Tensor out = f.outputUnsafe();
        int bad = firstNonFinite(out.data);
        if (bad < 0) {
            return;
        }
        Function backwardOf = state.inBackwardOf;
        String where = backwardOf == null ? "forward"
                : "backward of " + backwardOf.name() + " (while computing " + f.name() + ")";
        throw new NonFiniteValueException(backwardOf == null ? f.name() : backwardOf.name(),
                backwardOf != null, "anomaly in " + where + ": " + f.name() + " produced "
                + out.data[bad] + " at flat index " + bad + " of its output " + out.shape
                + " from inputs of shapes " + Function.shapesOf(f.inputsUnsafe())
                + describeInputs(f.inputsUnsafe()));
    }

    static void checkBackward(Function f, Tensor gradOutput, Tensor[] grads) {
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] == null) {
                continue;
            }
            int bad = firstNonFinite(grads[i].data);
            if (bad >= 0) {
                throw new NonFiniteValueException(f.name(), true, "anomaly in backward of "
                        + f.name() + ": the gradient for input " + i + " (shape "
                        + f.inputsUnsafe()[i].shape + ") holds " + grads[i].data[bad]
                        + " at flat index " + bad + "; inputs of shapes "
                        + Function.shapesOf(f.inputsUnsafe()) + ", incoming gradient "
                        + gradOutput.shape);
            }
        }
    }

    /** The inputs' values when every input is a single number, else nothing. */
    private static String describeInputs(Tensor[] inputs) {
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

    static int firstNonFinite(double[] d) {
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                return i;
            }
        }
        return -1;
    }
}
