package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;

/**
 * A loss: any function of a prediction and a target that returns a tensor of one element, written
 * with tensor operations so that the tape can differentiate it. The ready-made ones are method
 * references to {@link Losses} ({@code Losses::meanSquaredError}); a custom loss is a lambda:
 *
 * <pre>{@code
 * Loss weighted = (p, y) -> p.sub(y).square().mul(weights).mean();
 * }</pre>
 */
@FunctionalInterface
public interface Loss {
    /**
     * The loss value, a tensor of one element.
     *
     * @param prediction the model's output
     * @param target what the output should have been, of a shape the loss accepts with the prediction
     * @return the loss, recorded on the open tapes
     */
    Tensor apply(Tensor prediction, Tensor target);
}
