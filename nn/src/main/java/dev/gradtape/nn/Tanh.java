package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * The activation tanh(x) elementwise; its gradient is 1 - tanh(x)^2. It has no parameters; on the
 * tape it is the single primitive {@code Tensor.tanh}.
 */
public final class Tanh implements Layer {
    /** The activation; it has nothing to configure. */
    public Tanh() {
    }

    @Override
    public Tensor forward(Tensor input) {
        return input.tanh();
    }

    /** None. */
    @Override
    public List<Parameter> parameters() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Tanh()";
    }
}
