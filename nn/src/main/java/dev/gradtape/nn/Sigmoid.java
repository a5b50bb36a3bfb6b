package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * The activation 1 / (1 + e^-x) elementwise, computed stably; its gradient is s (1 - s). It has no
 * parameters; on the tape it is the single primitive {@code Tensor.sigmoid}.
 */
public final class Sigmoid implements Layer {
    /** The activation; it has nothing to configure. */
    public Sigmoid() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.sigmoid();
    }

    /** None. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Sigmoid()";
    }
}
