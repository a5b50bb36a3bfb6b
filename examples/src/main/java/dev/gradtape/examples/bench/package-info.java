/**
 * The benchmark workloads of gradtape's performance issue, run by the {@code bench} command
 * ({@link dev.gradtape.examples.bench.BenchCommand}) and printed in the peers' {@code RESULT}
 * line format so that the peers' {@code summarize.py} reads them beside PyTorch, TensorFlow Java
 * and the hand-written Java loop:
 * <ul>
 *   <li>A ({@link dev.gradtape.examples.bench.SeedWorkload}): the article's REINFORCE step on a
 *       tiny Gaussian actor, 10,000 episodes, updates per second;</li>
 *   <li>B ({@link dev.gradtape.examples.bench.MlpWorkload}): a 64-256-256-8 ReLU MLP, batch 256,
 *       forward, backward and Adam in double precision, steps per second and GFLOP/s;</li>
 *   <li>C ({@link dev.gradtape.examples.bench.GrowthWorkload}): backward time per node as the
 *       graph grows, and the heap over a million article episodes;</li>
 *   <li>MM ({@link dev.gradtape.examples.bench.MatmulWorkload}): the bare 256^3 matrix product.</li>
 * </ul>
 * Speed is measured here, never in tests: the tests only check that the workloads compute what
 * they claim.
 */
package dev.gradtape.examples.bench;
