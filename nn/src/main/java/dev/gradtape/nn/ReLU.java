package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * The activation max(x, 0) elementwise; its gradient is 1 where x > 0 and 0 elsewhere (0 at the
 * kink x = 0). It has no parameters; on the tape it is the single primitive {@code Tensor.relu}.
 */
public final class ReLU implements Layer {
    /** The activation; it has nothing to configure. */
    public ReLU() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.relu();
    }

    /** None. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReLU()";
    }
}
