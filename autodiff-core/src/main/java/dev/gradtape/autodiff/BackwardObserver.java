package dev.gradtape.autodiff;

import java.util.List;

/**
 * Sees each step of a backward walk, for teaching and debugging: the autodiff tour uses it to
 * narrate the walk. Set with {@link GradientTape#setBackwardObserver}.
 */
@FunctionalInterface
public interface BackwardObserver {
    /**
     * Called once per recorded operation that receives a gradient, in reverse order.
     *
     * @param node the recorded operation
     * @param gradOutput the gradient it receives
     * @param inputGradients what it sends to each input ({@code null} where nothing)
     */
    void onStep(Node node, Tensor gradOutput, List<Tensor> inputGradients);
}
