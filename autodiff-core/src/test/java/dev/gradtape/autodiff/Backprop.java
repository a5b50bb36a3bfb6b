package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * Test shorthand: runs a function on watched inputs and returns its output followed by the
 * gradient of each input, for an explicit output gradient (a vector-Jacobian product) or ones.
 */
final class Backprop {
    private Backprop() {
    }

    /** An operation of a list of inputs. */
    @FunctionalInterface
    interface Op {
        Tensor apply(List<Tensor> in);
    }

    /** [f(xs), dL/dx_0, dL/dx_1, ...] with L = sum(f(xs) * upstream); upstream null means ones. */
    static List<Tensor> vjp(Op f, Tensor upstream, Tensor... xs) {
        try (GradientTape tape = new GradientTape()) {
            List<Tensor> watched = new ArrayList<>();
            for (Tensor x : xs) {
                watched.add(tape.watch(x.detach()));
            }
            Tensor out = f.apply(watched);
            Tensor seed = upstream != null ? upstream : Tensor.ones(out.shape());
            List<Tensor> result = new ArrayList<>();
            result.add(out);
            result.addAll(tape.gradient(out, watched, seed));
            return result;
        }
    }

    /** [f(xs), gradients...] with the output gradient all ones. */
    static List<Tensor> run(Op f, Tensor... xs) {
        return vjp(f, null, xs);
    }
}
