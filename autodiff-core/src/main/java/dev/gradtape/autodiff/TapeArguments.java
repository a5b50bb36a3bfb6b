package dev.gradtape.autodiff;

import java.util.List;
import java.util.Objects;

/** The checks of {@link GradientTape}'s arguments and state, with their messages. */
final class TapeArguments {
    private TapeArguments() {
    }

    static void checkConnected(GradientTape tape, Tensor target, List<Tensor> sources) {
        for (int i = 0; i < sources.size(); i++) {
            Tensor s = Objects.requireNonNull(sources.get(i), "GradientTape.gradient: a source is null");
            if (!tape.isTracked(s)) {
                throw new IllegalArgumentException("GradientTape.gradient: source " + i + " (shape "
                        + s.shape + ") is not tracked by this tape: it was never watched, or only"
                        + " another tape watches it, so its gradient is unknown here. Watch it"
                        + " (tape.watch) before using it, or pass UnconnectedGradients.ZERO to get"
                        + " zeros for it");
            }
        }
        if (!tape.isTracked(target)) {
            throw new IllegalArgumentException("GradientTape.gradient: the target (shape "
                    + target.shape + ") was not recorded by this tape: it was computed from no"
                    + " tensor this tape tracks, or in another thread, or before the tape opened."
                    + " Compute it inside the tape's block from watched tensors, or pass"
                    + " UnconnectedGradients.ZERO to get zeros");
        }
    }

    static Tensor seed(Tensor target, Tensor outputGradient) {
        if (outputGradient == null) {
            if (target.size() != 1) {
                throw new IllegalArgumentException("GradientTape.gradient: the target has shape "
                        + target.shape + " (" + target.size() + " elements); without an output"
                        + " gradient the target must have one element. Pass an output gradient of"
                        + " shape " + target.shape + " for a vector-Jacobian product, or reduce the"
                        + " target first, e.g. target.sum()");
            }
            return Tensor.ones(target.shape);
        }
        if (!outputGradient.shape.equals(target.shape)) {
            throw new IllegalArgumentException("GradientTape.gradient: the output gradient has shape "
                    + outputGradient.shape + " but the target has shape " + target.shape
                    + "; they must be equal");
        }
        return outputGradient;
    }

    static void checkOpen(String what, boolean closed, Thread owner) {
        if (closed) {
            throw new IllegalStateException("GradientTape." + what + ": the tape is closed; call it"
                    + " inside the tape's try-with-resources block, before close()");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("GradientTape." + what + ": the tape was opened in thread "
                    + owner.getName() + " and is used from " + Thread.currentThread().getName()
                    + "; a tape belongs to the thread that opened it");
        }
    }
}
