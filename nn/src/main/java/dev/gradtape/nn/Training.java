package dev.gradtape.nn;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * One training step, written out so that it reads as the three lines of the article:
 * record the forward pass and the loss on a tape, ask the tape for the gradients of the loss
 * with respect to the trainable parameters, and hand them to the optimiser.
 */
public final class Training {
    private Training() {
    }

    /**
     * The step of {@link #step(Layer, Loss, Optimizer, Tensor, Tensor)}, compiled: the returned
     * {@link TrainingStep} records it once per batch shape and then re-runs it without building
     * a graph, with the same numbers bit for bit.
     *
     * <pre>{@code
     * TrainingStep fit = Training.compile(model, Losses::meanSquaredError, adam);
     * for (Batch b : batches) {
     *     double loss = fit.step(b.x(), b.y());
     * }
     * }</pre>
     *
     * @param model the model trained
     * @param loss the loss of its predictions against targets
     * @param optimizer the optimiser that applies the gradients
     * @return the compiled step, which records on its first batch of each shape
     */
    public static TrainingStep compile(Layer model, Loss loss, Optimizer optimizer) {
        return new TrainingStep(model, loss, optimizer);
    }

    /**
     * One step of {@code optimizer} on {@code loss(model(x), y)}.
     *
     * @param model the model to train
     * @param loss the loss of the model's output against {@code y}
     * @param optimizer the optimiser that updates the model's trainable parameters
     * @param x a batch of inputs
     * @param y the batch's targets
     * @return the loss before the update
     * @throws IllegalArgumentException if the loss is not a single element
     */
    public static double step(Layer model, Loss loss, Optimizer optimizer, Tensor x, Tensor y) {
        return step(model, loss, optimizer, x, y, Double.POSITIVE_INFINITY);
    }

    /**
     * Like {@link #step(Layer, Loss, Optimizer, Tensor, Tensor)}, clipping the gradients to
     * global norm {@code maxGradNorm} first (infinity for none); a non-finite gradient norm
     * throws an {@link ArithmeticException} and leaves the parameters unchanged.
     *
     * @param model the model to train
     * @param loss the loss of the model's output against {@code y}
     * @param optimizer the optimiser that updates the model's trainable parameters
     * @param x a batch of inputs
     * @param y the batch's targets
     * @param maxGradNorm the largest global gradient norm let through
     * @return the loss before the update
     */
    public static double step(Layer model, Loss loss, Optimizer optimizer, Tensor x, Tensor y,
            double maxGradNorm) {
        List<Parameter> params = model.trainableParameters();
        try (GradientTape tape = new GradientTape()) {
            Tensor value = loss.apply(model.forward(x), y);
            if (value.size() != 1) {
                throw new IllegalArgumentException("Training.step: the loss has shape "
                        + value.shape()
                        + "; a loss must return a single element (reduce it, e.g. with mean())");
            }
            List<Tensor> grads = tape.gradient(value, Parameter.values(params));
            if (maxGradNorm != Double.POSITIVE_INFINITY) {
                grads = GradientClipping.clipByGlobalNorm(grads, maxGradNorm, true);
            }
            optimizer.apply(params, grads);
            return value.item();
        }
    }
}
