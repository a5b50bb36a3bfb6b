/**
 * Neural-network building blocks on top of {@code dev.gradtape.autodiff}: the layer between the
 * gradient tape and a training loop (autodiff-core, then nn, then rl-reinforce and examples).
 *
 * <p>A {@link dev.gradtape.nn.Parameter} is a named, mutable holder of a tensor that an open
 * {@link dev.gradtape.autodiff.GradientTape} watches whenever it is read. A
 * {@link dev.gradtape.nn.Layer} is a forward function plus its parameters; {@link
 * dev.gradtape.nn.Dense}, the activations and {@link dev.gradtape.nn.Sequential} build MLPs from
 * ordinary tensor operations, so every layer is recorded on the tape like any other expression.
 * {@link dev.gradtape.nn.Optimizer}s ({@link dev.gradtape.nn.Adam}, {@link dev.gradtape.nn.Sgd},
 * {@link dev.gradtape.nn.RmsProp}) turn the gradients a tape returns into new parameter values,
 * and {@link dev.gradtape.nn.Checkpoint} saves both in the safetensors format.
 *
 * <pre>{@code
 * Sequential model = new Sequential(new Dense(2, 16, rng), new Tanh(), new Dense(16, 1, rng));
 * Adam adam = new Adam(0.01);
 * try (GradientTape tape = new GradientTape()) {
 *     Tensor loss = Losses.meanSquaredError(model.forward(x), y);
 *     List<Tensor> grads = tape.gradient(loss, Parameter.values(model.parameters()));
 *     adam.apply(model.parameters(), grads);
 * }
 * }</pre>
 */
package dev.gradtape.nn;
