/**
 * The kernels beneath the tape: elementwise loops and broadcast index maps ({@code Unary},
 * {@code Binary}, {@code Broadcast}, {@code Movement}), the matrix product ({@code MatMulEngine}
 * sharing rows among threads over the plain {@code MatMulKernel} loops or the vector-API loops of
 * the module {@code dev.gradtape.autodiff.vector}), and the {@code Program} a compiled step
 * replays. They know nothing of tapes or nodes: {@code dev.gradtape.autodiff}'s primitives call
 * them, eagerly or from a compiled step.
 *
 * <p>Not API: the module exports this package only to {@code dev.gradtape.autodiff.vector}, which
 * implements {@code MatMulLoops}.
 */
package dev.gradtape.autodiff.kernels;
