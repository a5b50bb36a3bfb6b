/**
 * Test helpers shared by every gradtape module through autodiff-core's test-jar: QuickTheories
 * generators of shapes, broadcastable shape pairs and tensors with values inside an operation's
 * domain ({@link dev.gradtape.autodiff.testing.TensorGenerators},
 * {@link dev.gradtape.autodiff.testing.Domain}), and JUnit assertions about tensors
 * ({@link dev.gradtape.autodiff.testing.TensorAssertions}). They sit below every module's tests:
 * nn and rl-reinforce use them to property-test their layers and losses with GradCheck.
 */
package dev.gradtape.autodiff.testing;
