/**
 * The bottom of gradtape: tensors, the gradient tape that records operations on them, and the
 * tools to trust the gradients it computes.
 *
 * <p>Everything else in gradtape stands on this package: {@code dev.gradtape.nn} builds layers and
 * optimisers from {@link dev.gradtape.autodiff.Tensor} operations, and {@code dev.gradtape.rl}
 * trains policies with gradients from a {@link dev.gradtape.autodiff.GradientTape}.
 *
 * <ul>
 *   <li>{@link dev.gradtape.autodiff.Tensor}: immutable n-dimensional double arrays with NumPy
 *       broadcasting; {@link dev.gradtape.autodiff.Shape} their dimensions.</li>
 *   <li>{@link dev.gradtape.autodiff.GradientTape}: records operations and walks them backward,
 *       iteratively and in a fixed order.</li>
 *   <li>{@link dev.gradtape.autodiff.Function}: the contract of every differentiable operation,
 *       and the extension point for user-defined ones.</li>
 *   <li>{@link dev.gradtape.autodiff.Value}: micrograd-style scalars on the same tape.</li>
 *   <li>{@link dev.gradtape.autodiff.GradCheck}: finite-difference checks, first and second
 *       order, independent of any test framework.</li>
 *   <li>{@link dev.gradtape.autodiff.GraphExport}: the recorded graph as Graphviz DOT.</li>
 *   <li>{@link dev.gradtape.autodiff.AnomalyMode}: find the first NaN or infinity.</li>
 * </ul>
 *
 * <p>This module has no runtime dependency.
 */
package dev.gradtape.autodiff;
