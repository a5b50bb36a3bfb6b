/**
 * JMH benchmarks of the performance workloads, built only with the {@code jmh} profile
 * ({@code -Pjmh}); the {@code bench} command is the everyday tool, these give error bars.
 */
package dev.gradtape.examples.jmh;
