/**
 * Layers, initialisers, optimisers, losses and safetensors checkpoints on the gradient tape.
 * Requires autodiff-core transitively, since its API is written in {@code Tensor}s: a
 * {@code requires dev.gradtape.nn;} reads both.
 */
module dev.gradtape.nn {
    requires transitive dev.gradtape.autodiff;

    exports dev.gradtape.nn;
}
