package dev.gradtape.testing;

import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Tensor;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.quicktheories.QuickTheory;
import org.quicktheories.core.Gen;

/**
 * The glue between the generators and {@link GradCheck}: a property that checks the gradients
 * of a function at every generated input. A failure is GradCheck's {@link AssertionError},
 * reported by QuickTheories with the smallest failing input it found.
 *
 * <pre>{@code
 * GradCheckTheories.assertGradients(TensorGenerators.tensors(Domain.REAL), x -> x.tanh().mul(x));
 * GradCheckTheories.assertGradients(TensorGenerators.tensorPairs(Domain.REAL, Domain.NONZERO),
 *         (a, b) -> a.div(b));   // broadcasting pairs: the gradient of the stretched side is a sum
 * }</pre>
 *
 * <p>The short forms run {@link #EXAMPLES} examples from the fixed seed {@link #SEED} with
 * {@link GradCheck#defaults()}, so a failure replays; the long forms take a configured
 * {@link QuickTheory} ({@code qt().withExamples(500)}) and checker
 * ({@code GradCheck.defaults().atol(1e-4)}).
 */
public final class GradCheckTheories {
    /** The seed of the short forms. */
    public static final long SEED = 20201L;
    /** The examples of the short forms. */
    public static final int EXAMPLES = 100;

    private GradCheckTheories() {
    }

    /**
     * Checks the first-order gradients of {@code f} at {@link #EXAMPLES} generated inputs.
     *
     * @param inputs the generator of inputs, for example {@link TensorGenerators#tensors(Domain)}
     * @param f the function under test, of one tensor
     */
    public static void assertGradients(Gen<Tensor> inputs, UnaryOperator<Tensor> f) {
        assertGradients(QuickTheory.qt().withFixedSeed(SEED).withExamples(EXAMPLES), GradCheck.defaults(), inputs, f);
    }

    /**
     * Checks the first-order gradients of {@code f} at every input the theory generates.
     *
     * @param theory the configured QuickTheories run (seed, examples)
     * @param check the configured gradient checker
     * @param inputs the generator of inputs
     * @param f the function under test, of one tensor
     */
    public static void assertGradients(QuickTheory theory, GradCheck check, Gen<Tensor> inputs,
            UnaryOperator<Tensor> f) {
        theory.forAll(inputs).checkAssert(x -> check.assertGradients(in -> f.apply(in.get(0)), x));
    }

    /**
     * Checks the first-order gradients of {@code f} with respect to both operands at
     * {@link #EXAMPLES} generated pairs.
     *
     * @param pairs the generator of operand pairs, for example
     *     {@link TensorGenerators#tensorPairs(Domain, Domain)}
     * @param f the function under test, of two tensors
     */
    public static void assertGradients(Gen<TensorPair> pairs, BinaryOperator<Tensor> f) {
        assertGradients(QuickTheory.qt().withFixedSeed(SEED).withExamples(EXAMPLES), GradCheck.defaults(), pairs, f);
    }

    /**
     * Checks the first-order gradients of {@code f} with respect to both operands at every pair
     * the theory generates.
     *
     * @param theory the configured QuickTheories run (seed, examples)
     * @param check the configured gradient checker
     * @param pairs the generator of operand pairs
     * @param f the function under test, of two tensors
     */
    public static void assertGradients(QuickTheory theory, GradCheck check, Gen<TensorPair> pairs,
            BinaryOperator<Tensor> f) {
        theory.forAll(pairs).checkAssert(p -> check.assertGradients(in -> f.apply(in.get(0), in.get(1)),
                p.left(), p.right()));
    }

    /**
     * Checks the second-order gradients of {@code f} (its backward is itself differentiable) at
     * {@link #EXAMPLES} generated inputs.
     *
     * @param inputs the generator of inputs
     * @param f the function under test, of one tensor
     */
    public static void assertSecondOrder(Gen<Tensor> inputs, UnaryOperator<Tensor> f) {
        QuickTheory.qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(inputs)
                .checkAssert(x -> GradCheck.defaults().assertSecondOrder(in -> f.apply(in.get(0)), x));
    }
}
