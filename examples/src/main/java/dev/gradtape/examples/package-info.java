/**
 * The showcase, at the top of the pipeline (autodiff-core, nn, rl-reinforce, examples): the
 * {@code gradtape} command line. {@link dev.gradtape.examples.GradtapeCli} is the launcher;
 * {@code tour} walks a backward pass step by step, {@code article} trains the article's Gaussian
 * actor on the one-shot target game, and {@code pendulum} trains a Gaussian policy on Pendulum.
 *
 * <p>The helpers beside the commands are small and independent: {@link
 * dev.gradtape.examples.RunFolder} (an output folder where every file lands whole), {@link
 * dev.gradtape.examples.CsvTable}, {@link dev.gradtape.examples.LinePlot} (PNG charts drawn
 * without a display) and {@link dev.gradtape.examples.Progress} (a progress bar that stays quiet
 * when nobody watches). This module is never published.
 */
package dev.gradtape.examples;
