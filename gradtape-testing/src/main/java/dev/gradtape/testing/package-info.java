/**
 * Test helpers for gradtape and for code built on it, published as {@code dev.gradtape:gradtape-testing}
 * (module {@code dev.gradtape.testing}): QuickTheories generators of shapes, broadcastable shape
 * pairs and tensors with values inside an operation's domain
 * ({@link dev.gradtape.testing.TensorGenerators}, {@link dev.gradtape.testing.Domain}), JUnit
 * assertions about tensors ({@link dev.gradtape.testing.TensorAssertions}) and the textbook
 * matrix product a kernel is measured against ({@link dev.gradtape.testing.MatMulReference}).
 * autodiff-core's own property suites use them, and so can a user's: generate inputs here, check
 * the gradients with {@link dev.gradtape.autodiff.GradCheck}.
 */
package dev.gradtape.testing;
