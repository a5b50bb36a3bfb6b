package dev.gradtape.autodiff;

import java.util.Arrays;

/**
 * The kernel of an operation without one of its own (a user's {@link Function}, or a
 * primitive on shapes its kernel does not cover): runs the operation's own forward and
 * backward on tensors wrapped around the replay's arrays. It allocates like the eager tape,
 * and gives the same results.
 */
final class FunctionKernel extends ReplayKernel {
    private final Function f;
    private final Shape[] inShapes;
    private final Shape outShape;
    private final boolean[] needs;
    private final boolean[] none;

    FunctionKernel(Function f, Tensor[] recordedInputs, Shape outShape) {
        this.f = f;
        this.inShapes = new Shape[recordedInputs.length];
        for (int j = 0; j < inShapes.length; j++) {
            inShapes[j] = recordedInputs[j].shape;
        }
        this.outShape = outShape;
        this.needs = new boolean[recordedInputs.length];
        this.none = new boolean[recordedInputs.length];
    }

    @Override
    boolean[] noGradient() {
        return none;
    }

    @Override
    void forward(double[][] in, double[] out) {
        Tensor[] wrapped = new Tensor[in.length];
        for (int j = 0; j < in.length; j++) {
            wrapped[j] = new Tensor(inShapes[j], in[j]);
        }
        TapeState state = TapeState.get();
        state.pauseDepth++;
        try {
            Tensor r = f.rerunForward(wrapped);
            if (!r.shape.equals(outShape)) {
                throw new IllegalStateException("Replay: " + f.name() + " returned shape " + r.shape
                        + " where the recording had " + outShape + "; a replayed operation must"
                        + " keep its shapes");
            }
            System.arraycopy(r.data, 0, out, 0, out.length);
        } finally {
            state.pauseDepth--;
        }
    }

    @Override
    void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
        for (int j = 0; j < gIn.length; j++) {
            needs[j] = gIn[j] != null;
        }
        TapeState state = TapeState.get();
        state.pauseDepth++;
        Tensor[] r;
        try {
            r = f.runBackward(new Tensor(outShape, g), needs); // read during the call only
        } finally {
            state.pauseDepth--;
        }
        for (int j = 0; j < gIn.length; j++) {
            none[j] = gIn[j] != null && r[j] == null; // adds nothing, as on the tape
            if (gIn[j] != null && r[j] != null) {
                System.arraycopy(r[j].data, 0, gIn[j], 0, gIn[j].length);
            }
        }
    }
}
