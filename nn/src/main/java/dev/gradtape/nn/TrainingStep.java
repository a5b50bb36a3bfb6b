package dev.gradtape.nn;

import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.TensorView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link Training#step} compiled: the same three lines (record the loss, take the gradients,
 * apply them), recorded once per shape of the batch and then re-run as a {@link CompiledStep},
 * which gives the eager step's numbers bit for bit without building a graph. Made by
 * {@link Training#compile}.
 *
 * <p>It keeps one compiled step per (input shape, target shape, set of trainable parameters),
 * the {@value #CAPACITY} most recently used, so a loop that alternates full and short minibatches
 * compiles twice and then only re-runs. The state it holds is that cache and nothing else: the
 * model's parameters and the optimiser's state stay where they are. Belongs to one thread.
 */
public final class TrainingStep {
    /** Compiled steps kept at most (by shape); the least recently used is dropped first. */
    public static final int CAPACITY = 4;

    private final Layer model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Map<Key, Compiled> cache = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Compiled> eldest) {
            return size() > CAPACITY;
        }
    };

    private record Key(Shape x, Shape y, List<Parameter> trainable) {
    }

    /** One compiled step, its two inputs, and the views of the trainable parameters' gradients. */
    private record Compiled(CompiledStep step, Tensor x, Tensor y, List<Parameter> trainable,
            List<TensorView> gradients) {
    }

    TrainingStep(Layer model, Loss loss, Optimizer optimizer) {
        this.model = Objects.requireNonNull(model, "Training.compile: model is null");
        this.loss = Objects.requireNonNull(loss, "Training.compile: loss is null");
        this.optimizer = Objects.requireNonNull(optimizer, "Training.compile: optimizer is null");
    }

    /**
     * One step of the optimiser on {@code loss(model(x), y)}, as {@link Training#step} takes it.
     *
     * @param x a batch of inputs
     * @param y the batch's targets
     * @return the loss before the update
     * @throws IllegalArgumentException if the loss is not a single element
     */
    public double step(Tensor x, Tensor y) {
        Objects.requireNonNull(x, "TrainingStep.step: x is null");
        Objects.requireNonNull(y, "TrainingStep.step: y is null");
        List<Parameter> trainable = model.trainableParameters();
        Compiled c = cache.computeIfAbsent(new Key(x.shape(), y.shape(), trainable), k -> record(x, y, trainable));
        c.step().start().set(c.x(), x).set(c.y(), y).run();  // 1. and 2.: the loss and its gradients
        optimizer.apply(c.trainable(), c.gradients());      // 3. apply them
        return c.step().loss();
    }

    /** {@return the number of compiled steps held (at most {@link #CAPACITY})} */
    public int compiledShapes() {
        return cache.size();
    }

    /** Records the step on copies of the first batch of these shapes and compiles it. */
    private Compiled record(Tensor x, Tensor y, List<Parameter> trainable) {
        List<Parameter> all = model.parameters(); // frozen ones too: they are read, not trained
        Tensor xs = Tensor.of(x.toArray(), x.shape());
        Tensor ys = Tensor.of(y.toArray(), y.shape());
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(xs);
            tape.watch(ys);
            Tensor value = loss.apply(model.forward(xs), ys);
            if (value.size() != 1) {
                throw new IllegalArgumentException("TrainingStep.step: the loss has shape " + value.shape()
                        + "; a loss must return a single element (reduce it, e.g. with mean())");
            }
            step = tape.compile(value, Parameter.variables(all), List.of(xs, ys));
        }
        List<TensorView> grads = new ArrayList<>(trainable.size());
        for (Parameter p : trainable) {
            grads.add(step.gradients().get(indexOf(all, p)));
        }
        return new Compiled(step, xs, ys, List.copyOf(trainable), List.copyOf(grads));
    }

    private static int indexOf(List<Parameter> all, Parameter p) {
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) == p) {
                return i;
            }
        }
        throw new IllegalStateException("TrainingStep: trainable parameter " + p.name()
                + " is not among the model's parameters");
    }
}
