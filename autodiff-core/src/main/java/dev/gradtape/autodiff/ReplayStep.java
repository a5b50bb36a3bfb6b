package dev.gradtape.autodiff;

/**
 * One recorded operation of a {@link Replay}, compiled: its kernel, the nodes it reads and the
 * node it writes, and the arrays bound to them when the replay was compiled.
 */
final class ReplayStep {
    final Function op;
    final ReplayKernel kernel;
    final int[] in;
    final int out;
    /** The inputs' value buffers, in the operation's input order. */
    final double[][] args;
    /** Where the backward writes each input's gradient: its accumulator, a scratch array, or null. */
    final double[][] gIn;
    /** The output's value and gradient buffers. */
    double[] outValue;
    double[] outGrad;

    ReplayStep(Function op, ReplayKernel kernel, int[] in, int out) {
        this.op = op;
        this.kernel = kernel;
        this.in = in;
        this.out = out;
        this.args = new double[in.length][];
        this.gIn = new double[in.length][];
    }

    /** The {@link AnomalyMode} check of the output, as the tape makes it. */
    void checkForward() {
        int bad = Anomaly.firstNonFinite(outValue);
        if (bad >= 0) {
            throw new NonFiniteValueException(op.name(), false, "anomaly in a replayed forward: "
                    + op.signature() + " produced " + outValue[bad] + " at flat index " + bad
                    + " of its output");
        }
    }

    /** The {@link AnomalyMode} check of the gradients sent back ({@code none}: see the kernel). */
    void checkBackward(boolean[] none) {
        for (int j = 0; j < gIn.length; j++) {
            double[] gj = gIn[j];
            int bad = gj == null || none != null && none[j] ? -1 : Anomaly.firstNonFinite(gj);
            if (bad >= 0) {
                throw new NonFiniteValueException(op.name(), true, "anomaly in a replayed backward"
                        + " of " + op.signature() + ": the gradient for input " + j + " holds "
                        + gj[bad] + " at flat index " + bad);
            }
        }
    }
}
