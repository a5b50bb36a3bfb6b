package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * The activation log(1 + e^x) elementwise, without overflow; its gradient is sigmoid(x). It has no
 * parameters; on the tape it is the single primitive {@code Tensor.softplus}.
 */
public final class Softplus implements Layer {
    /** The activation; it has nothing to configure. */
    public Softplus() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.softplus();
    }

    /** None. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Softplus()";
    }
}
