/**
 * The vector-API matrix loops ({@link dev.gradtape.autodiff.vector.MatMulVectorKernel}), the
 * optional fast path beneath autodiff-core's matrix product. Not exported: autodiff-core's
 * {@code MatMulEngine} loads the kernel as a {@code MatMulLoops} service.
 */
package dev.gradtape.autodiff.vector;
