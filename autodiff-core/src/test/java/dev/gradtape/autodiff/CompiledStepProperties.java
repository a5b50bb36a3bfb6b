package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

import dev.gradtape.autodiff.RandomPrograms.Kind;
import dev.gradtape.autodiff.RandomPrograms.Program;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Issue 10's property: a {@link CompiledStep} equals the eager tape bit for bit. Over generated
 * programs ({@link RandomPrograms}: random sequences of the public {@link Tensor} operations on
 * random broadcastable shapes, with one to three {@link Variable}s and up to two inputs), the step recorded at one set
 * of values and run at new ones gives the same loss and the same gradients, compared with
 * {@code Double.doubleToLongBits} (so -0.0 differs from 0.0; every NaN counts as one NaN, as the
 * JLS does not fix NaN payloads), as a fresh eager tape at the same values. Each compiled step runs
 * four times on its buffers, once with special values (+-0, NaN, +-infinity, subnormals, the
 * largest double), once with only the variables changed. Also: second-order programs, and copies
 * of one step run on three threads at once.
 */
class CompiledStepProperties {
    private static final long SEED = 0xc0de5eedL;
    private static final int EXAMPLES = 500;

    static <T> void forAll(int examples, Gen<T> gen, Consumer<T> property) {
        qt().withExamples(examples).withFixedSeed(SEED).forAll(gen).checkAssert(property);
    }

    // ------------------------------------------------------------ recording and comparing

    /** A loss and the gradients of the variables. */
    record Outcome(Tensor loss, List<Tensor> gradients) {
    }

    /**
     * Records the program (first order: its loss; second order: grad(loss) . directions, with the
     * inner gradient recorded by the outer tape) at the variables' current values and the inputs'
     * {@code xs}, and either compiles it or returns the eager result.
     */
    private static Object trace(Program p, List<Variable> vars, List<Tensor> xs, boolean secondOrder, boolean compile) {
        try (GradientTape outer = new GradientTape()) {
            List<Tensor> vs = new ArrayList<>();
            Tensor target;
            if (!secondOrder) {
                vars.forEach(v -> vs.add(v.value()));
                xs.forEach(outer::watch);
                List<Tensor> leaves = new ArrayList<>(vs);
                leaves.addAll(xs);
                target = p.loss(leaves);
            } else {
                List<Tensor> g;
                try (GradientTape inner = new GradientTape()) {
                    vars.forEach(v -> vs.add(v.value()));
                    xs.forEach(outer::watch);
                    xs.forEach(inner::watch);
                    List<Tensor> leaves = new ArrayList<>(vs);
                    leaves.addAll(xs);
                    // + sum(v0^2), so that the target always depends on a variable through the inner walk
                    Tensor loss = p.loss(leaves).add(vs.get(0).square().sum());
                    g = inner.gradient(loss, vs);
                }
                target = g.get(0).mul(p.directions().get(0)).sum();
                for (int i = 1; i < g.size(); i++) target = target.add(g.get(i).mul(p.directions().get(i)).sum());
            }
            if (compile) {
                return outer.compile(target, vars, xs);
            }
            return new Outcome(target, outer.gradient(target, vs));
        }
    }

    static CompiledStep compile(Program p, List<Variable> vars, List<Tensor> xs, boolean secondOrder) {
        return (CompiledStep) trace(p, vars, xs, secondOrder, true);
    }

    static Outcome eager(Program p, List<Variable> vars, List<Tensor> xValues, boolean secondOrder) {
        List<Tensor> fresh = new ArrayList<>();
        for (Tensor x : xValues) fresh.add(Tensor.of(x.toArray(), x.shape()));
        return (Outcome) trace(p, vars, fresh, secondOrder, false);
    }

    /** Runs a started step with inputs already set, and reads its loss and gradients (as tensors and views). */
    static Outcome finish(CompiledStep step) {
        step.run();
        List<Tensor> grads = step.gradientTensors();
        for (int i = 0; i < grads.size(); i++) {
            double[] viaView = new double[grads.get(i).size()];
            step.gradients().get(i).copyTo(viaView);
            assertTrue(Arrays.equals(grads.get(i).toArray(), viaView), "gradients() and gradientTensors() agree");
        }
        return new Outcome(Tensor.scalar(step.loss()), grads);
    }

    static void assertSameBits(String what, Tensor expected, Tensor actual) {
        double[] e = expected.toArray();
        double[] a = actual.toArray();
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToLongBits(e[i]) != Double.doubleToLongBits(a[i])) {
                fail(what + ": element " + i + " is " + a[i] + " compiled but " + e[i] + " eager"
                        + "\n  eager    " + expected + "\n  compiled " + actual);
            }
        }
    }

    static void assertSameOutcome(String run, Outcome eager, Outcome compiled) {
        assertSameBits(run + ", loss", Tensor.scalar(eager.loss().item()), compiled.loss());
        assertEquals(eager.gradients().size(), compiled.gradients().size());
        for (int i = 0; i < eager.gradients().size(); i++) {
            assertSameBits(run + ", gradient of variable " + i, eager.gradients().get(i), compiled.gradients().get(i));
        }
    }

    /** Records at one set of values, then runs four times at new ones, each against a fresh eager tape. */
    static void compiledEqualsEager(Program p, boolean secondOrder) {
        SplittableRandom rng = new SplittableRandom(p.valueSeed());
        List<Variable> vars = new ArrayList<>();
        for (Shape s : p.variables()) vars.add(new Variable(RandomPrograms.values(rng, s, false)));
        List<Tensor> xs = new ArrayList<>();
        for (Shape s : p.inputs()) xs.add(RandomPrograms.values(rng, s, false));
        CompiledStep step = compile(p, vars, xs, secondOrder);
        List<Tensor> current = xs;
        for (int run = 0; run < 4; run++) {
            boolean special = run == 1;
            for (Variable v : vars) v.assign(RandomPrograms.values(rng, v.shape(), special));
            step.start();
            if (run != 3) { // run 3 keeps the inputs of run 2
                current = new ArrayList<>();
                for (int j = 0; j < xs.size(); j++) {
                    current.add(RandomPrograms.values(rng, xs.get(j).shape(), special));
                    step.set(xs.get(j), current.get(j));
                }
            }
            Outcome compiled = finish(step);
            assertSameOutcome("run " + run + (special ? " (special values)" : ""), eager(p, vars, current, secondOrder),
                    compiled);
        }
    }

    // ------------------------------------------------------------ the properties

    @Test
    void a_compiled_step_equals_the_eager_tape_bit_for_bit_at_new_values() {
        forAll(EXAMPLES, RandomPrograms.programs(0), p -> compiledEqualsEager(p, false));
    }

    @Test
    void a_compiled_second_order_step_equals_nested_eager_tapes_bit_for_bit() {
        forAll(EXAMPLES / 3, RandomPrograms.programs(0), p -> compiledEqualsEager(p, true));
    }

    @Test
    void the_programs_cover_every_kind_of_instruction() {
        // the generator must actually produce every op (a silent fallback would weaken the property)
        EnumSet<Kind> seen = EnumSet.noneOf(Kind.class);
        int[] runs = new int[1];
        forAll(EXAMPLES, RandomPrograms.programs(0), p -> {
            runs[0]++;
            p.instrs().forEach(i -> seen.add(i.kind()));
        });
        assertEquals(EXAMPLES, runs[0], "programs generated");
        assertEquals(EnumSet.allOf(Kind.class), seen, "kinds generated in " + runs[0] + " programs");
    }

    @Test
    void copies_of_one_step_on_three_threads_at_once_give_the_eager_results() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            forAll(40, RandomPrograms.programs(1), p -> {
                try {
                    copiesAgreeAcrossThreads(p, pool);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void copiesAgreeAcrossThreads(Program p, ExecutorService pool) throws Exception {
        SplittableRandom rng = new SplittableRandom(p.valueSeed());
        List<Variable> vars = new ArrayList<>();
        for (Shape s : p.variables()) vars.add(new Variable(RandomPrograms.values(rng, s, false)));
        List<Tensor> xs = new ArrayList<>();
        for (Shape s : p.inputs()) xs.add(RandomPrograms.values(rng, s, false));
        CompiledStep step = compile(p, vars, xs, false);
        for (Variable v : vars) v.assign(RandomPrograms.values(rng, v.shape(), false)); // fixed while the threads run
        int sets = 4;
        List<List<Tensor>> inputSets = new ArrayList<>();
        List<Outcome> expected = new ArrayList<>();
        for (int k = 0; k < sets; k++) {
            List<Tensor> set = new ArrayList<>();
            for (Tensor x : xs) set.add(RandomPrograms.values(rng, x.shape(), k == 1));
            inputSets.add(set);
            expected.add(eager(p, vars, set, false));
        }
        int threads = 3;
        CyclicBarrier together = new CyclicBarrier(threads);
        List<Future<List<Outcome>>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            CompiledStep copy = step.copy();
            results.add(pool.submit(() -> {
                together.await(10, TimeUnit.SECONDS);
                Outcome[] got = new Outcome[sets * 5];
                for (int i = 0; i < got.length; i++) {
                    int k = (i + offset) % sets;
                    copy.start();
                    for (int j = 0; j < xs.size(); j++) copy.set(xs.get(j), inputSets.get(k).get(j));
                    got[(i / sets) * sets + k] = finish(copy);
                }
                return List.of(got);
            }));
        }
        for (int t = 0; t < threads; t++) {
            List<Outcome> got = results.get(t).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < got.size(); i++) {
                assertSameOutcome("thread " + t + ", run " + i, expected.get(i % sets), got.get(i));
            }
        }
    }
}
