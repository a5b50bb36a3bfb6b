package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.testing.TensorGenerators.broadcastablePairs;
import static dev.gradtape.autodiff.testing.TensorGenerators.shapes;
import static dev.gradtape.autodiff.testing.TensorGenerators.tensors;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.gradtape.autodiff.testing.Domain;
import dev.gradtape.autodiff.testing.ShapePair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * A {@link Replay} gives the eager tape's results bit for bit, for every differentiable operation
 * of {@link Tensor}. Each case records {@code loss = (op(inputs) * w).sum()}, with {@code w} a
 * fixed random weight of the output's shape (so every output element reaches the gradient with a
 * different factor), compiles it with the inputs as sources before asking the tape for the
 * gradient, and then checks, bit for bit (0.0 and -0.0 differ, NaN equals NaN):
 * <ol>
 *   <li>a run on the recorded values: the replay's gradient equals the tape's;</li>
 *   <li>a run on fresh values of the same shapes: {@code value(out)}, {@code value(loss)} and
 *       the gradient equal those of a new eager tape on the fresh values.</li>
 * </ol>
 * Operations with a kernel of their own ({@link ReplayKernels}) and those that go through the
 * generic fallback (where, max, permute, slice, pad, concat, batched matmul) are all covered;
 * {@link OpRegistryTest} makes sure every operation has a replay property.
 *
 * <p>maximum, minimum, clamp (masks made by comparisons) and logSumExp (a detached shift) are
 * the regression tests of the first Replay, which kept the recorded mask and shift on new values.
 */
class ReplayProperties {
    static final long SEED = 0x4e91a7L;
    static final int EXAMPLES = 100;
    static final int SHRINK_CYCLES = 10;
    /** The seed of the weights {@code w}; fixed, so a failure can be rerun exactly. */
    static final long WEIGHT_SEED = 77L;

    /** Recorded values, fresh values of the same shapes, and the operation under test. */
    record Case(String call, List<Tensor> recorded, List<Tensor> fresh, Function<List<Tensor>, Tensor> op) {
        @Override
        public String toString() {
            return call + " recorded on " + recorded + ", replayed on " + fresh;
        }
    }

    static void check(Gen<Case> cases) {
        // few shrink cycles: a failing case is reported as generated, within seconds
        qt().withExamples(EXAMPLES).withFixedSeed(SEED).withShrinkCycles(SHRINK_CYCLES)
                .forAll(cases.describedAs(Case::toString))
                .checkAssert(ReplayProperties::replayEqualsEager);
    }

    /** What an eager tape computes for {@code op} on {@code values}, with the given weights. */
    record Eager(Tensor out, Tensor loss, List<Tensor> gradients) {
        static Eager run(List<Tensor> values, Function<List<Tensor>, Tensor> op, Tensor w) {
            try (GradientTape tape = new GradientTape()) {
                values.forEach(tape::watch);
                Tensor out = op.apply(values);
                Tensor loss = out.mul(w).sum();
                return new Eager(out, loss, tape.gradient(loss, values));
            }
        }
    }

    static void replayEqualsEager(Case c) {
        Replay replay;
        Tensor out;
        Tensor loss;
        Tensor w;
        List<Tensor> recordedGradients;
        try (GradientTape tape = new GradientTape()) {
            c.recorded().forEach(tape::watch);
            out = c.op().apply(c.recorded());
            w = Tensor.uniform(WEIGHT_SEED, -1, 1, out.shape().dims());
            loss = out.mul(w).sum();
            replay = tape.replay(loss, c.recorded(), List.of()); // compiled before gradient frees the record
            recordedGradients = tape.gradient(loss, c.recorded());
        }
        replay.start(c.recorded());
        assertSameBits(c.call() + ": gradients on the recorded values", recordedGradients, replay.gradient());

        Eager expected = Eager.run(c.fresh(), c.op(), w);
        replay.start(c.fresh());
        assertSameBits(c.call() + ": value of the output on fresh values", expected.out(), replay.value(out));
        assertSameBits(c.call() + ": value of the loss on fresh values", expected.loss(), replay.value(loss));
        assertSameBits(c.call() + ": gradients on fresh values", expected.gradients(), replay.gradient());
    }

    /** Equal shapes and equal bits; NaNs are compared as NaN (their payload is not part of the promise). */
    static void assertSameBits(String what, Tensor expected, Tensor actual) {
        if (!expected.shape().equals(actual.shape())) {
            fail(what + ": shape " + actual.shape() + ", expected " + expected.shape());
        }
        double[] e = expected.toArray();
        double[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) {
                fail(what + ": element " + i + " is " + a[i] + " but eager gives " + e[i]
                        + " (a difference of " + (a[i] - e[i]) + ")\n  eager  " + expected
                        + "\n  replay " + actual);
            }
        }
    }

    static void assertSameBits(String what, List<Tensor> expected, List<Tensor> actual) {
        if (expected.size() != actual.size()) {
            fail(what + ": " + actual.size() + " tensors, expected " + expected.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            assertSameBits(what + " [source " + i + "]", expected.get(i), actual.get(i));
        }
    }

    // ------------------------------------------------------------ case builders

    static Tensor draw(Shape s, Domain d, RandomnessSource in) {
        return tensors(s, d).generate(in);
    }

    static int draw(int lo, int hi, RandomnessSource in) {
        return Generate.range(lo, hi).generate(in);
    }

    /** One tensor of a generated shape in {@code d}, recorded and fresh. */
    static Gen<Case> unary(String call, Domain d, Function<Tensor, Tensor> op) {
        return in -> {
            Shape s = shapes().generate(in);
            return new Case(call, List.of(draw(s, d, in)), List.of(draw(s, d, in)), xs -> op.apply(xs.get(0)));
        };
    }

    /** Two tensors of broadcastable shapes (equal, scalar vs n-d, row vs column, general). */
    static Gen<Case> binary(String call, Domain left, Domain right, Function<List<Tensor>, Tensor> op) {
        return in -> {
            ShapePair p = broadcastablePairs().generate(in);
            return pairCase(call, p.left(), p.right(), left, right, op, in);
        };
    }

    /** A (batch, n) matrix and a bias row (n) or (1, n), in either order: the Dense layer's add. */
    static Gen<Case> biasRow(String call, Domain left, Domain right, Function<List<Tensor>, Tensor> op) {
        return in -> {
            int batch = draw(1, 5, in);
            int n = draw(1, 5, in);
            Shape m = Shape.of(batch, n);
            Shape row = Generate.booleans().generate(in) ? Shape.of(n) : Shape.of(1, n);
            return Generate.booleans().generate(in) ? pairCase(call, m, row, left, right, op, in)
                    : pairCase(call, row, m, left, right, op, in);
        };
    }

    static Case pairCase(String call, Shape a, Shape b, Domain left, Domain right,
            Function<List<Tensor>, Tensor> op, RandomnessSource in) {
        return new Case(call + " " + a + ", " + b, List.of(draw(a, left, in), draw(b, right, in)),
                List.of(draw(a, left, in), draw(b, right, in)), op);
    }

    private static Function<List<Tensor>, Tensor> on1(Function<Tensor, Tensor> f) {
        return xs -> f.apply(xs.get(0));
    }

    // ------------------------------------------------------------ arithmetic

    @Test
    void add() {
        check(binary("add", Domain.REAL, Domain.REAL, xs -> xs.get(0).add(xs.get(1))));
        check(biasRow("add", Domain.REAL, Domain.REAL, xs -> xs.get(0).add(xs.get(1))));
    }

    @Test
    void sub() {
        check(binary("sub", Domain.REAL, Domain.REAL, xs -> xs.get(0).sub(xs.get(1))));
        check(biasRow("sub", Domain.REAL, Domain.REAL, xs -> xs.get(0).sub(xs.get(1))));
    }

    @Test
    void mul() {
        check(binary("mul", Domain.REAL, Domain.REAL, xs -> xs.get(0).mul(xs.get(1))));
        check(biasRow("mul", Domain.REAL, Domain.REAL, xs -> xs.get(0).mul(xs.get(1))));
        // one tensor as both operands: two gradients into one node within one step
        check(unary("x * x", Domain.REAL, x -> x.mul(x)));
    }

    @Test
    void div() {
        check(binary("div", Domain.REAL, Domain.NONZERO, xs -> xs.get(0).div(xs.get(1))));
        check(biasRow("div", Domain.REAL, Domain.NONZERO, xs -> xs.get(0).div(xs.get(1))));
    }

    /** A tensor and a number drawn from {@code constants}: the number is part of the recorded op. */
    static Gen<Case> withConstant(String call, Domain d, List<Double> constants,
            java.util.function.BiFunction<Tensor, Double, Tensor> op) {
        return in -> {
            double c = Generate.pick(constants).generate(in);
            return unary(call + "(" + c + ")", d, x -> op.apply(x, c)).generate(in);
        };
    }

    private static final List<Double> CONSTANTS = List.of(-1.5, -0.5, 0.0, 0.25, 1.0, 2.0);

    @Test
    void addConstant() {
        check(withConstant("add", Domain.REAL, CONSTANTS, Tensor::add));
    }

    @Test
    void subConstant() {
        check(withConstant("sub", Domain.REAL, CONSTANTS, Tensor::sub));
    }

    @Test
    void mulConstant() {
        check(withConstant("mul", Domain.REAL, CONSTANTS, Tensor::mul));
    }

    @Test
    void divConstant() {
        check(withConstant("div", Domain.REAL, List.of(-1.5, -0.5, 0.25, 1.0, 3.0), Tensor::div));
    }

    @Test
    void neg() {
        check(unary("neg", Domain.REAL, Tensor::neg));
    }

    @Test
    void square() {
        check(unary("square", Domain.REAL, Tensor::square));
    }

    @Test
    void powOfPositiveBases() {
        check(withConstant("pow", Domain.POSITIVE, List.of(2.0, 3.0, 0.5), Tensor::pow));
        // and the exponents of the gradient properties: negative, halves, 1 (p - 1 = 0 in the backward)
        check(withConstant("pow", Domain.POSITIVE, List.of(-2.0, -1.0, -0.5, 1.0, 1.5, 2.5), Tensor::pow));
    }

    // ------------------------------------------------------------ elementwise functions

    @Test
    void exp() {
        check(unary("exp", Domain.REAL, Tensor::exp));
    }

    @Test
    void log() {
        check(unary("log", Domain.POSITIVE, Tensor::log));
    }

    @Test
    void sqrt() {
        check(unary("sqrt", Domain.POSITIVE, Tensor::sqrt));
    }

    @Test
    void tanh() {
        check(unary("tanh", Domain.REAL, Tensor::tanh));
    }

    @Test
    void sigmoid() {
        check(unary("sigmoid", Domain.REAL, Tensor::sigmoid));
    }

    @Test
    void softplus() {
        check(unary("softplus", Domain.REAL, Tensor::softplus));
    }

    @Test
    void relu() {
        check(unary("relu", Domain.REAL, Tensor::relu));
    }

    @Test
    void abs() {
        check(unary("abs", Domain.REAL, Tensor::abs));
    }

    // ------------------------------------------------------------ choices (where, maximum, ...)

    @Test
    void where() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            Shape s = p.result();
            double[] c = new double[s.size()];
            for (int i = 0; i < c.length; i++) c[i] = Generate.booleans().generate(in) ? 1.0 : 0.0;
            Tensor cond = Tensor.of(c, s.dims()); // a constant: the same mask eager and replayed
            return pairCase("where", p.left(), p.right(), Domain.REAL, Domain.REAL,
                    xs -> Tensor.where(cond, xs.get(0), xs.get(1)), in);
        });
    }

    /**
     * Two tensors of broadcastable shapes for maximum and minimum. Ties need no avoiding here:
     * eager and replay must agree bit for bit at a tie too (the gradient goes to the left).
     */
    static Gen<Case> separated(String call, Function<List<Tensor>, Tensor> op) {
        return binary(call, Domain.REAL, Domain.REAL, op);
    }

    // maximum, minimum and clamp are composed as where(greaterEqual(...), ...): the replay must
    // compute the mask from this run's values (the first Replay kept the recorded mask).
    @Test
    void maximum() {
        check(separated("maximum", xs -> xs.get(0).maximum(xs.get(1))));
    }

    @Test
    void minimum() {
        check(separated("minimum", xs -> xs.get(0).minimum(xs.get(1))));
    }

    @Test
    void maximumConstant() {
        check(withConstant("maximum", Domain.REAL, List.of(-0.55, 0.05, 0.65), Tensor::maximum));
    }

    @Test
    void minimumConstant() {
        check(withConstant("minimum", Domain.REAL, List.of(-0.55, 0.05, 0.65), Tensor::minimum));
    }

    @Test
    void clamp() {
        check(unary("clamp(-0.5, 0.7)", Domain.REAL, x -> x.clamp(-0.5, 0.7)));
    }

    // ------------------------------------------------------------ reductions

    /** A tensor of rank >= 1 with an axis (possibly negative) and a keepDims flag. */
    static Gen<Case> alongAxis(String call, Domain d, AxisOp op) {
        return in -> {
            Shape s = shapes(1, 3).generate(in);
            int axis = draw(-s.rank(), s.rank() - 1, in);
            boolean keep = Generate.booleans().generate(in);
            return new Case(call + "(" + axis + ", " + keep + ") of " + s, List.of(draw(s, d, in)),
                    List.of(draw(s, d, in)), xs -> op.apply(xs.get(0), axis, keep));
        };
    }

    /** An operation along one axis. */
    interface AxisOp {
        Tensor apply(Tensor x, int axis, boolean keepDims);
    }

    @Test
    void sumAll() {
        check(unary("sum", Domain.REAL, Tensor::sum));
    }

    @Test
    void sumAlongAxis() {
        check(alongAxis("sum", Domain.REAL, Tensor::sum));
    }

    @Test
    void meanAll() {
        check(unary("mean", Domain.REAL, Tensor::mean));
    }

    @Test
    void meanAlongAxis() {
        check(alongAxis("mean", Domain.REAL, Tensor::mean));
    }

    @Test
    void maxAll() {
        check(unary("max", Domain.REAL, Tensor::max));
    }

    @Test
    void maxAlongAxis() {
        check(alongAxis("max", Domain.REAL, Tensor::max));
    }

    // logSumExp shifts by t.max(...).detach(): the replay must shift by this run's maximum (the
    // first Replay kept the recorded shift).
    @Test
    void logSumExpAll() {
        check(unary("logSumExp", Domain.REAL, Tensor::logSumExp));
    }

    @Test
    void logSumExpAlongAxis() {
        check(alongAxis("logSumExp", Domain.REAL, Tensor::logSumExp));
    }

    @Test
    void sumTo() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            return new Case("sumTo" + p.left() + " of " + p.result(), List.of(draw(p.result(), Domain.REAL, in)),
                    List.of(draw(p.result(), Domain.REAL, in)), on1(x -> x.sumTo(p.left())));
        });
    }

    // ------------------------------------------------------------ shape operations

    /** One tensor of shape {@code s}, recorded and fresh. */
    static Case one(String call, Shape s, Function<Tensor, Tensor> op, RandomnessSource in) {
        return new Case(call + " of " + s, List.of(draw(s, Domain.REAL, in)), List.of(draw(s, Domain.REAL, in)), on1(op));
    }

    @Test
    void reshape() {
        check(in -> {
            Shape s = shapes().generate(in);
            int[] d = s.dims();
            int[] rev = new int[d.length];
            for (int i = 0; i < d.length; i++) rev[i] = d[d.length - 1 - i];
            int[][] targets = {{s.size()}, {-1}, rev, {1, s.size()}, {s.size(), -1, 1}, {}};
            int[] target = targets[draw(0, s.size() == 1 ? 5 : 4, in)];
            return one("reshape" + Arrays.toString(target), s, x -> x.reshape(target), in);
        });
    }

    @Test
    void broadcastToDims() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            return one("broadcastTo" + p.result(), p.left(), x -> x.broadcastTo(p.result().dims()), in);
        });
    }

    @Test
    void broadcastToShape() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            return one("broadcastTo" + p.result(), p.right(), x -> x.broadcastTo(p.result()), in);
        });
    }

    @Test
    void permute() {
        check(in -> {
            Shape s = shapes().generate(in);
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < s.rank(); i++) axes.add(i);
            int[] perm = new int[s.rank()];
            for (int i = 0; i < perm.length; i++) perm[i] = axes.remove(draw(0, axes.size() - 1, in));
            return one("permute" + Arrays.toString(perm), s, x -> x.permute(perm), in);
        });
    }

    @Test
    void transpose() {
        check(in -> one("transpose", shapes(2, 3).generate(in), Tensor::transpose, in));
    }

    @Test
    void slice() {
        check(in -> {
            Shape s = shapes(1, 3).generate(in);
            int axis = draw(-s.rank(), s.rank() - 1, in);
            int len = s.dim(axis);
            int start = draw(0, len - 1, in);
            int end = draw(start + 1, len, in);
            return one("slice(" + axis + ", " + start + ", " + end + ")", s, x -> x.slice(axis, start, end), in);
        });
    }

    @Test
    void split() {
        check(in -> {
            Shape s = shapes(1, 3, 2, 4).generate(in);
            int axis = draw(0, s.rank() - 1, in);
            int first = draw(0, s.dim(axis), in);
            int[] sizes = {first, s.dim(axis) - first};
            // the pieces are joined back in the other order, so a piece sent to the wrong place shows
            return one("split(" + axis + ", " + Arrays.toString(sizes) + ")", s, x -> {
                List<Tensor> parts = x.split(axis, sizes);
                return Tensor.concat(axis, parts.get(1), parts.get(0).exp());
            }, in);
        });
    }

    @Test
    void pad() {
        check(in -> {
            Shape s = shapes(1, 3).generate(in);
            int axis = draw(-s.rank(), s.rank() - 1, in);
            int before = draw(0, 2, in);
            int after = draw(0, 2, in);
            return one("pad(" + axis + ", " + before + ", " + after + ")", s, x -> x.pad(axis, before, after), in);
        });
    }

    @Test
    void concatArray() {
        check(concatCases(false));
    }

    @Test
    void concatList() {
        check(concatCases(true));
    }

    private static Gen<Case> concatCases(boolean asList) {
        return in -> {
            Shape s = shapes(1, 3).generate(in);
            int axis = draw(0, s.rank() - 1, in);
            int count = draw(1, 3, in);
            List<Tensor> recorded = new ArrayList<>();
            List<Tensor> fresh = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int[] d = s.dims();
                d[axis] = draw(1, 3, in);
                recorded.add(draw(Shape.of(d), Domain.REAL, in));
                fresh.add(draw(Shape.of(d), Domain.REAL, in));
            }
            return new Case("concat(" + axis + ") of " + count, recorded, fresh,
                    xs -> asList ? Tensor.concat(axis, xs) : Tensor.concat(axis, xs.toArray(new Tensor[0])));
        };
    }

    // ------------------------------------------------------------ matmul

    static Case matmulCase(String call, Shape a, Shape b, Function<List<Tensor>, Tensor> op, RandomnessSource in) {
        return pairCase(call, a, b, Domain.REAL, Domain.REAL, op, in);
    }

    static int[] with(int[] batch, int... last) {
        int[] d = Arrays.copyOf(batch, batch.length + last.length);
        System.arraycopy(last, 0, d, batch.length, last.length);
        return d;
    }

    @Test
    void matmul2d() {
        check(in -> {
            int n = draw(1, 5, in);
            int k = draw(1, 5, in);
            int m = draw(1, 5, in);
            return matmulCase("matmul", Shape.of(n, k), Shape.of(k, m), xs -> xs.get(0).matmul(xs.get(1)), in);
        });
    }

    /** The four rank-2 forms op(A) op(B) of the primitive, which the backward passes use. */
    @Test
    void matmul2dTransposed() {
        check(in -> {
            int n = draw(1, 5, in);
            int k = draw(1, 5, in);
            int m = draw(1, 5, in);
            boolean ta = Generate.booleans().generate(in);
            boolean tb = Generate.booleans().generate(in);
            Shape a = ta ? Shape.of(k, n) : Shape.of(n, k);
            Shape b = tb ? Shape.of(m, k) : Shape.of(k, m);
            return matmulCase("matmul(ta=" + ta + ", tb=" + tb + ")", a, b,
                    xs -> new MatMul(ta, tb).apply(xs.get(0), xs.get(1)), in);
        });
    }

    @Test
    void matmulBatched() {
        check(in -> {
            int[] batch = shapes(1, 2, 1, 3).generate(in).dims();
            int n = draw(1, 3, in);
            int k = draw(1, 3, in);
            int m = draw(1, 3, in);
            boolean ta = Generate.booleans().generate(in);
            boolean tb = Generate.booleans().generate(in);
            Shape a = Shape.of(ta ? with(batch, k, n) : with(batch, n, k));
            Shape b = Shape.of(tb ? with(batch, m, k) : with(batch, k, m));
            return matmulCase("batched matmul(ta=" + ta + ", tb=" + tb + ")", a, b,
                    xs -> new MatMul(ta, tb).apply(xs.get(0), xs.get(1)), in);
        });
    }

    @Test
    void matmulBroadcastBatch() {
        check(in -> {
            ShapePair batch = broadcastablePairs().generate(in);
            while (batch.result().rank() > 2 || batch.result().size() > 8) {
                batch = broadcastablePairs().generate(in);
            }
            int n = draw(1, 3, in);
            int k = draw(1, 3, in);
            int m = draw(1, 3, in);
            return matmulCase("matmul", Shape.of(with(batch.left().dims(), n, k)),
                    Shape.of(with(batch.right().dims(), k, m)), xs -> xs.get(0).matmul(xs.get(1)), in);
        });
    }

    @Test
    void matmulRank1Operands() {
        check(in -> {
            int k = draw(1, 4, in);
            int m = draw(1, 4, in);
            int[] batch = shapes(0, 1, 1, 3).generate(in).dims();
            Shape matrix = Shape.of(with(batch, k, m));
            Shape matrixT = Shape.of(with(batch, m, k));
            Function<List<Tensor>, Tensor> op = xs -> xs.get(0).matmul(xs.get(1));
            return switch (draw(0, 2, in)) {
                case 0 -> matmulCase("matmul", Shape.of(k), matrix, op, in);
                case 1 -> matmulCase("matmul", matrixT, Shape.of(k), op, in);
                default -> matmulCase("matmul", Shape.of(k), Shape.of(k), op, in);
            };
        });
    }
}
