package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A backward walk written down, for teaching and debugging: the gradients it produced and every
 * step it took, in the order it took them (the recorded operations from last to first, each one
 * that received a gradient). {@link GradientTape#backwardWalk} makes one; the autodiff tour
 * narrates it and the graph page replays it.
 *
 * <pre>{@code
 * BackwardWalk walk = tape.backwardWalk(loss, List.of(w));
 * for (BackwardWalk.Step step : walk.steps()) {
 *     System.out.println(step.node().signature() + " receives " + step.received());
 * }
 * Tensor dw = walk.gradients().get(0);
 * }</pre>
 *
 * @param gradients one gradient per source, as {@link GradientTape#gradient} returns them
 * @param steps the steps of the walk, in the order they ran
 */
public record BackwardWalk(List<Tensor> gradients, List<Step> steps) {
    /**
     * Copies both lists.
     *
     * @param gradients one gradient per source
     * @param steps the steps of the walk, in order
     */
    public BackwardWalk {
        gradients = List.copyOf(gradients);
        steps = List.copyOf(steps);
    }

    /**
     * One step: a recorded operation, the gradient it received and what its backward rule sent
     * each input. The tape adds each share it needs to its input's total; {@code null} where the
     * op sends nothing (a constant input, or an input no tape tracks).
     *
     * @param node the recorded operation
     * @param received the gradient it received, of its output's shape
     * @param sent what it sent each input, in input order, {@code null} where nothing
     */
    public record Step(Node node, Tensor received, List<Tensor> sent) {
        /**
         * Checks the step and copies {@code sent} (which may hold nulls).
         *
         * @param node the recorded operation
         * @param received the gradient it received
         * @param sent what it sent each input, {@code null} where nothing
         */
        public Step {
            Objects.requireNonNull(node, "BackwardWalk.Step: node is null");
            Objects.requireNonNull(received, "BackwardWalk.Step: received is null");
            sent = Collections.unmodifiableList(new ArrayList<>(sent));
        }
    }
}
