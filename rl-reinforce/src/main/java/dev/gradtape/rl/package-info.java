/**
 * Policy-gradient reinforcement learning on top of gradtape: the top of the pipeline
 * autodiff-core (tensors, tape) -> nn (layers, optimisers) -> rl.
 *
 * <p>It holds continuous-action {@link dev.gradtape.rl.Environment}s (the article's one-shot
 * {@link dev.gradtape.rl.TargetGame} and {@link dev.gradtape.rl.Pendulum}), the weighted Gaussian
 * log-likelihood loss ({@link dev.gradtape.rl.GaussianLoss}), Gaussian policies
 * ({@link dev.gradtape.rl.GaussianPolicy}) and the REINFORCE training loop
 * ({@link dev.gradtape.rl.Reinforce}), whose core is the three steps of every gradtape training
 * step: record the loss on a tape, ask the tape for the gradients, hand them to the optimiser.
 */
package dev.gradtape.rl;
