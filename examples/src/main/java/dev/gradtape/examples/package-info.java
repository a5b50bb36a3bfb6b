/**
 * The showcase, at the top of the pipeline (autodiff-core, nn, rl-reinforce, examples): the
 * {@code gradtape} command line. {@link dev.gradtape.examples.GradtapeCli} is the launcher;
 * {@code tour} walks a backward pass step by step, {@code article} trains the article's Gaussian
 * actor on the one-shot target game, and {@code pendulum} trains a Gaussian policy on Pendulum.
 *
 * <p>The helpers beside the commands are small and independent: {@link
 * dev.gradtape.examples.RunFolder} (a run's folder and its lifecycle: run.json, whole
 * replacement under --force, files that land whole), {@link dev.gradtape.examples.RunConfig}
 * (repeating a run from its run.json), {@link dev.gradtape.examples.CsvLog} (a CSV written row by
 * row), {@link dev.gradtape.examples.PlotSample} (a plot's points in bounded memory), {@link dev.gradtape.examples.LinePlot} (PNG charts drawn
 * without a display) and {@link dev.gradtape.examples.Progress} (a progress bar that stays quiet
 * when nobody watches). This module is never published.
 */
package dev.gradtape.examples;
