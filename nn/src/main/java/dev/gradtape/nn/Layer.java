package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A differentiable function with parameters: a layer or a model built from layers, PyTorch's
 * {@code nn.Module} and Keras' {@code Layer}. It is called {@code Layer} rather than
 * {@code Module} so that {@code import dev.gradtape.nn.*;} does not clash with
 * {@link java.lang.Module}.
 *
 * <p>{@link #forward} is written with tensor operations only, so under an open
 * {@link dev.gradtape.autodiff.GradientTape} the whole model is recorded like any other
 * expression, and reading the parameters makes the tape watch them.
 */
public interface Layer {
    /**
     * Computes the output for a batch of inputs.
     *
     * @param input a batch of inputs, the batch along the first axis
     * @return the outputs, recorded on the open tapes
     */
    Tensor forward(Tensor input);

    /**
     * All parameters, collected recursively, in a stable order (a container lists its children's
     * parameters in child order), with names unique within the model.
     *
     * @return every parameter of this layer and its children
     */
    List<Parameter> parameters();

    /** {@return the parameters an optimiser updates: {@link #parameters()} without the frozen ones} */
    default List<Parameter> trainableParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : parameters()) {
            if (p.trainable()) {
                out.add(p);
            }
        }
        return out;
    }

    /** {@return the total number of scalar parameters (elements of all parameter tensors)} */
    default long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n += p.size();
        }
        return n;
    }
}
