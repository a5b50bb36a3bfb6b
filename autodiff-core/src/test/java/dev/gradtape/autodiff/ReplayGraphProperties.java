package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.ReplayProperties.assertSameBits;
import static dev.gradtape.autodiff.ReplayProperties.draw;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.gradtape.autodiff.testing.Domain;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * A {@link Replay} equals eager bit for bit on whole graphs run many times, and at the values
 * where floating point is fragile:
 * <ul>
 *   <li>an MLP-like graph (matmul, bias, relu or tanh, a node used twice, a parameter used twice,
 *       a mean), recorded once and replayed for several runs with new parameters and a new batch
 *       set as an input each run, sometimes reading the loss before the gradient;</li>
 *   <li>each elementwise operation on values drawn from 0, -0, +-1, NaN, +-infinity, a huge and
 *       a subnormal number, where a different order of operations or a different start of a sum
 *       would show in the sign of a zero or a NaN.</li>
 * </ul>
 */
class ReplayGraphProperties {
    static final long SEED = 0x6a7e5L;
    static final int EXAMPLES = 60;
    static final int RUNS = 4;

    /** The sizes of a two-layer network and its batch. */
    record Net(int batch, int in, int hidden, int out, boolean tanh) {
    }

    static final Gen<Net> NETS = in -> new Net(draw(1, 4, in), draw(1, 4, in), draw(1, 5, in), draw(1, 3, in),
            Generate.booleans().generate(in));

    /** A batch x and parameters w1, b1, w2, b2, drawn for one run. */
    record Values(Tensor x, List<Tensor> params) {
    }

    static Gen<List<Values>> runs(Net n) {
        return in -> {
            List<Values> runs = new ArrayList<>();
            for (int r = 0; r <= RUNS; r++) {
                runs.add(new Values(draw(Shape.of(n.batch(), n.in()), Domain.REAL, in), List.of(
                        draw(Shape.of(n.in(), n.hidden()), Domain.REAL, in), draw(Shape.of(n.hidden()), Domain.REAL, in),
                        draw(Shape.of(n.hidden(), n.out()), Domain.REAL, in), draw(Shape.of(n.out()), Domain.REAL, in))));
            }
            return runs;
        };
    }

    /**
     * The graph: h = act(x w1 + b1); z = h * sigmoid(h) (h used twice); y = z w2 + b2;
     * loss = mean((y - target)^2) + 0.01 sum(w1^2) (w1 used twice).
     */
    static Tensor loss(Net n, Tensor x, List<Tensor> p, Tensor target) {
        Tensor pre = x.matmul(p.get(0)).add(p.get(1));
        Tensor h = n.tanh() ? pre.tanh() : pre.relu();
        Tensor z = h.mul(h.sigmoid());
        Tensor y = z.matmul(p.get(2)).add(p.get(3));
        return y.sub(target).square().mean().add(p.get(0).square().sum().mul(0.01));
    }

    @Test
    void an_mlp_replayed_over_several_runs_equals_eager_each_time() {
        qt().withExamples(EXAMPLES).withFixedSeed(SEED).withShrinkCycles(10)
                .forAll(NETS.flatMap(n -> runs(n).map(rs -> new Object[] {n, rs})))
                .checkAssert(c -> {
                    Net n = (Net) c[0];
                    @SuppressWarnings("unchecked")
                    List<Values> runs = (List<Values>) c[1];
                    check(n, runs);
                });
    }

    private static void check(Net n, List<Values> runs) {
        Tensor target = Tensor.uniform(5, -1, 1, n.batch(), n.out()); // a constant of the graph
        Values first = runs.get(0);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            first.params().forEach(tape::watch);
            tape.watch(first.x());
            loss = loss(n, first.x(), first.params(), target);
            replay = tape.replay(loss, first.params(), List.of(first.x()));
        }
        for (int r = 1; r < runs.size(); r++) {
            Values v = runs.get(r);
            try (GradientTape tape = new GradientTape()) {
                v.params().forEach(tape::watch);
                Tensor eager = loss(n, v.x(), v.params(), target);
                List<Tensor> expected = tape.gradient(eager, v.params());
                replay.start(v.params()).set(first.x(), v.x());
                if (r % 2 == 0) {
                    assertEquals(Double.doubleToLongBits(eager.item()), Double.doubleToLongBits(replay.item(loss)),
                            n + " run " + r + ": loss read before the gradient");
                }
                assertSameBits(n + " run " + r + ": gradients", expected, replay.gradient());
                assertSameBits(n + " run " + r + ": loss", eager, replay.value(loss));
            }
        }
    }

    // ------------------------------------------------------------ special values

    private static final List<Double> SPECIAL = List.of(0.0, -0.0, 1.0, -1.0, 0.5, -3.0, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300, -1e300, 4.9e-324, -2.5e-310);

    static Gen<Tensor> special(Shape s) {
        return in -> {
            double[] v = new double[s.size()];
            for (int i = 0; i < v.length; i++) v[i] = Generate.pick(SPECIAL).generate(in);
            return Tensor.of(v, s.dims());
        };
    }

    static final Gen<Shape> SMALL = in -> Shape.of(draw(1, 3, in), draw(1, 3, in));

    private static void unary(String name, UnaryOperator<Tensor> op) {
        qt().withExamples(EXAMPLES).withFixedSeed(SEED).withShrinkCycles(10)
                .forAll(SMALL.flatMap(s -> special(s).zip(special(s), List::of)))
                .checkAssert(xs -> ReplayProperties.replayEqualsEager(new ReplayProperties.Case(name,
                        List.of(xs.get(0)), List.of(xs.get(1)), v -> op.apply(v.get(0)))));
    }

    private static void binary(String name, BinaryOperator<Tensor> op) {
        Gen<Shape> rows = in -> Shape.of(1, draw(1, 3, in)); // (2, n) against (1, n): a broadcast operand
        qt().withExamples(EXAMPLES).withFixedSeed(SEED).withShrinkCycles(10)
                .forAll(rows.flatMap(s -> {
                    Shape big = Shape.of(2, s.dim(1));
                    Gen<List<Tensor>> four = in -> List.of(special(big).generate(in), special(s).generate(in),
                            special(big).generate(in), special(s).generate(in));
                    return four;
                }))
                .checkAssert(xs -> ReplayProperties.replayEqualsEager(new ReplayProperties.Case(name,
                        List.of(xs.get(0), xs.get(1)), List.of(xs.get(2), xs.get(3)),
                        v -> op.apply(v.get(0), v.get(1)))));
    }

    @Test
    void elementwise_functions_at_special_values() {
        unary("exp", Tensor::exp);
        unary("log", Tensor::log);
        unary("sqrt", Tensor::sqrt);
        unary("tanh", Tensor::tanh);
        unary("sigmoid", Tensor::sigmoid);
        unary("softplus", Tensor::softplus);
        unary("relu", Tensor::relu);
        unary("abs", Tensor::abs);
        unary("square", Tensor::square);
        unary("pow(3)", x -> x.pow(3));
        unary("pow(0.5)", x -> x.pow(0.5));
        unary("add(-0.0)", x -> x.add(-0.0));
        unary("mul(-2)", x -> x.mul(-2.0));
        unary("sum", Tensor::sum);
        unary("sum(0)", x -> x.sum(0, false));
        unary("broadcastTo", x -> x.reshape(1, -1).broadcastTo(3, x.size()));
    }

    @Test
    void broadcasting_arithmetic_at_special_values() {
        binary("add", Tensor::add);
        binary("sub", Tensor::sub);
        binary("mul", Tensor::mul);
        binary("div", Tensor::div);
        binary("add (swapped)", (a, b) -> b.add(a));
        binary("div (swapped)", (a, b) -> b.div(a));
        binary("matmul", (a, b) -> a.matmul(b.transpose()));
    }
}
