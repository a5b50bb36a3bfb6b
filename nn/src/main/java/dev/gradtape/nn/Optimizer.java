package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.TensorView;
import java.util.List;
import java.util.Map;

/**
 * Turns gradients into parameter updates: Keras' {@code optimizer.apply_gradients(zip(grads,
 * vars))} in one call. An optimiser keeps state between calls (moment estimates, the step count);
 * that state is what {@link #state()} returns and a {@link Checkpoint} saves.
 *
 * <p>State keys: {@code "iterations"} (a scalar holding the number of updates applied) and
 * {@code "<slot>/<parameter name>"} for each per-parameter slot, such as {@code "m/0.kernel"}.
 * Slots are keyed by parameter name, so use one optimiser per model.
 *
 * <p>Updates are plain double arithmetic in a fixed order, so equal inputs give bit-identical
 * parameters, and training resumed from a checkpoint continues bit-for-bit.
 */
public interface Optimizer {
    /**
     * Applies one update. Non-trainable parameters are skipped (their gradients are ignored).
     * Either every trainable parameter is updated or, if an argument is invalid, none is.
     *
     * @param params the parameters, names unique
     * @param grads one gradient per parameter, in the same order and of the same shape: tensors
     *     from {@code GradientTape.gradient}, or the views of a {@code CompiledStep}, which the
     *     optimiser reads without a copy
     * @throws IllegalArgumentException naming the parameter and shapes if the lists differ in
     *     length or a gradient's shape differs from its parameter's
     */
    void apply(List<Parameter> params, List<? extends TensorView> grads);

    /** {@return the number of updates applied so far} */
    long iterations();

    /** {@return the learning rate the next update will use: the schedule's rate at {@link #iterations()}} */
    double learningRate();

    /** {@return a copy of the state, in a stable order: "iterations", then the slots per parameter} */
    Map<String, Tensor> state();

    /**
     * Replaces the state by {@code state}, as returned by {@link #state()} of an optimiser of the
     * same kind. Either all of it is loaded or, if it is invalid, nothing changes.
     *
     * @param state the state to load, keyed as {@link #state()} keys it
     * @throws IllegalArgumentException naming the key if an entry is missing, unknown or
     *     ill-shaped
     */
    void loadState(Map<String, Tensor> state);
}
