package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorGenerators.distinctTensors;
import static dev.gradtape.testing.TensorGenerators.exponents;
import static dev.gradtape.testing.TensorGenerators.separatedPairs;
import static dev.gradtape.testing.TensorGenerators.shapes;
import static dev.gradtape.testing.TensorGenerators.tensorPairs;
import static dev.gradtape.testing.TensorGenerators.tensors;
import static org.quicktheories.QuickTheory.qt;

import dev.gradtape.testing.Domain;
import dev.gradtape.testing.TensorPair;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The backward rule of every elementwise operation and reduction of {@link Tensor} agrees with
 * central differences ({@link GradCheck#defaults()}) on generated inputs: shapes of rank 0 to 3
 * with dimensions 1 to 4, broadcasting operand pairs, values inside each operation's domain and
 * at least 1e-3 from its kinks. Shape operations and matmul are in
 * {@link ShapeGradientProperties}; {@link OpRegistryTest} makes sure no operation is missed.
 */
class OpGradientProperties {
    static final long SEED = 0x0dd5eedL;
    static final int EXAMPLES = 100;

    static <T> void forAll(Gen<T> gen, Consumer<T> property) {
        qt().withExamples(EXAMPLES).withFixedSeed(SEED).forAll(gen).checkAssert(property);
    }

    static void unary(Domain domain, UnaryOperator<Tensor> op) {
        forAll(tensors(domain), x -> GradCheck.defaults().assertGradients(in -> op.apply(in.get(0)), x));
    }

    static void binary(Domain left, Domain right, BinaryOperator<Tensor> op) {
        forAll(tensorPairs(left, right), p -> checkPair(p, op));
    }

    static void checkPair(TensorPair p, BinaryOperator<Tensor> op) {
        GradCheck.defaults().assertGradients(in -> op.apply(in.get(0), in.get(1)), p.left(), p.right());
    }

    /** A tensor and a constant, for the {@code op(double)} overloads. */
    static void withConstant(Domain domain, List<Double> constants, BiFunction<Tensor, Double, Tensor> op) {
        Gen<Double> cs = Generate.pick(constants);
        Gen<Tensor> xs = tensors(domain);
        forAll(xs.zip(cs, (x, c) -> List.of(x, Tensor.scalar(c))), xc -> {
            double c = xc.get(1).item();
            GradCheck.defaults().assertGradients(in -> op.apply(in.get(0), c), xc.get(0));
        });
    }

    /** A tensor of rank >= 1 with an axis (possibly negative) and a keepDims flag. */
    record AxisCase(Tensor x, int axis, boolean keepDims) {
    }

    static Gen<AxisCase> axisCases(Gen<Tensor> tensors) {
        Gen<AxisCase> gen = in -> {
            Tensor x = tensors.generate(in);
            int axis = Generate.range(-x.rank(), x.rank() - 1).generate(in);
            return new AxisCase(x, axis, Generate.booleans().generate(in));
        };
        return gen.describedAs(AxisCase::toString);
    }

    static void alongAxis(Gen<Tensor> tensors, BiFunction<Tensor, AxisCase, Tensor> op) {
        forAll(axisCases(tensors), c -> GradCheck.defaults().assertGradients(in -> op.apply(in.get(0), c), c.x()));
    }

    private static final List<Double> CONSTANTS = List.of(-1.5, -0.5, 0.25, 1.0, 2.0);

    // ------------------------------------------------------------ arithmetic

    @Test
    void add() {
        binary(Domain.REAL, Domain.REAL, Tensor::add);
    }

    @Test
    void addConstant() {
        withConstant(Domain.REAL, CONSTANTS, Tensor::add);
    }

    @Test
    void sub() {
        binary(Domain.REAL, Domain.REAL, Tensor::sub);
    }

    @Test
    void subConstant() {
        withConstant(Domain.REAL, CONSTANTS, Tensor::sub);
    }

    @Test
    void mul() {
        binary(Domain.REAL, Domain.REAL, Tensor::mul);
    }

    @Test
    void mulConstant() {
        withConstant(Domain.REAL, CONSTANTS, Tensor::mul);
    }

    @Test
    void div() {
        binary(Domain.REAL, Domain.NONZERO, Tensor::div);
    }

    @Test
    void divConstant() {
        withConstant(Domain.REAL, CONSTANTS, Tensor::div);
    }

    @Test
    void neg() {
        unary(Domain.REAL, Tensor::neg);
    }

    @Test
    void powOfPositiveBases() {
        forAll(tensors(Domain.POSITIVE).zip(exponents(), (x, p) -> List.of(x, Tensor.scalar(p))), xp -> {
            double p = xp.get(1).item();
            GradCheck.defaults().assertGradients(in -> in.get(0).pow(p), xp.get(0));
        });
    }

    @Test
    void powIntegerExponentsOfAnySign() {
        withConstant(Domain.NONZERO, List.of(-2.0, -1.0, 2.0, 3.0, 4.0), Tensor::pow);
    }

    @Test
    void square() {
        unary(Domain.REAL, Tensor::square);
    }

    // ------------------------------------------------------------ unary functions

    @Test
    void exp() {
        unary(Domain.REAL, Tensor::exp);
    }

    @Test
    void sin() {
        unary(Domain.REAL, Tensor::sin);
    }

    @Test
    void cos() {
        unary(Domain.REAL, Tensor::cos);
    }

    @Test
    void log() {
        unary(Domain.POSITIVE, Tensor::log);
    }

    @Test
    void sqrt() {
        unary(Domain.POSITIVE, Tensor::sqrt);
    }

    @Test
    void abs() {
        unary(Domain.REAL_AWAY_FROM_ZERO, Tensor::abs);
    }

    @Test
    void tanh() {
        unary(Domain.between(-3, 3), Tensor::tanh);
    }

    @Test
    void sigmoid() {
        unary(Domain.between(-6, 6), Tensor::sigmoid);
    }

    @Test
    void relu() {
        unary(Domain.REAL_AWAY_FROM_ZERO, Tensor::relu);
    }

    @Test
    void softplus() {
        unary(Domain.between(-6, 6), Tensor::softplus);
    }

    // ------------------------------------------------------------ selections

    @Test
    void maximum() {
        forAll(separatedPairs(), p -> checkPair(p, Tensor::maximum));
    }

    @Test
    void maximumConstant() {
        for (double c : CONSTANTS) {
            withConstant(Domain.REAL.withKinks(c), List.of(c), Tensor::maximum);
        }
    }

    @Test
    void minimum() {
        forAll(separatedPairs(), p -> checkPair(p, Tensor::minimum));
    }

    @Test
    void minimumConstant() {
        for (double c : CONSTANTS) {
            withConstant(Domain.REAL.withKinks(c), List.of(c), Tensor::minimum);
        }
    }

    @Test
    void clamp() {
        Domain d = Domain.REAL.withKinks(-0.5, 0.75);
        unary(d, x -> x.clamp(-0.5, 0.75));
    }

    @Test
    void where() {
        Gen<TensorPair> pairs = tensorPairs(Domain.REAL, Domain.REAL);
        Gen<List<Tensor>> cases = in -> {
            TensorPair p = pairs.generate(in);
            // a 0/1 mask of the broadcast shape with some axes of size 1, so it broadcasts too
            int[] d = p.result().dims();
            for (int i = 0; i < d.length; i++) {
                d[i] = Generate.booleans().generate(in) ? 1 : d[i];
            }
            double[] mask = new double[Shape.of(d).size()];
            for (int i = 0; i < mask.length; i++) {
                mask[i] = Generate.booleans().generate(in) ? 1 : 0;
            }
            return List.of(Tensor.of(mask, d), p.left(), p.right());
        };
        forAll(cases, c -> GradCheck.defaults().assertGradients(
                in -> Tensor.where(c.get(0), in.get(0), in.get(1)), c.get(1), c.get(2)));
    }

    // ------------------------------------------------------------ reductions

    @Test
    void sumAll() {
        unary(Domain.REAL, Tensor::sum);
    }

    @Test
    void sumAlongAxis() {
        alongAxis(tensors(shapes(1, 3), Domain.REAL), (x, c) -> x.sum(c.axis(), c.keepDims()));
    }

    @Test
    void meanAll() {
        unary(Domain.REAL, Tensor::mean);
    }

    @Test
    void meanAlongAxis() {
        alongAxis(tensors(shapes(1, 3), Domain.REAL), (x, c) -> x.mean(c.axis(), c.keepDims()));
    }

    @Test
    void maxAll() {
        forAll(distinctTensors(shapes(), -2, 2), x -> GradCheck.defaults().assertGradients(
                in -> in.get(0).max(), x));
    }

    @Test
    void maxAlongAxis() {
        alongAxis(distinctTensors(shapes(1, 3), -2, 2), (x, c) -> x.max(c.axis(), c.keepDims()));
    }

    @Test
    void logSumExpAll() {
        unary(Domain.between(-3, 3), Tensor::logSumExp);
    }

    @Test
    void logSumExpAlongAxis() {
        alongAxis(tensors(shapes(1, 3), Domain.between(-3, 3)),
                (x, c) -> x.logSumExp(c.axis(), c.keepDims()));
    }

    @Test
    void logSumExpOfLargeValuesStaysFiniteAndCorrect() {
        // shifted by 700: exp(700 + 3) would overflow without the max shift
        unary(Domain.between(697, 703), Tensor::logSumExp);
    }
}
