package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertBitIdentical;
import static dev.gradtape.testing.TensorAssertions.assertThrowsWithMessage;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of {@link CompiledStep}: values checked on paper, staged runs (reading a value
 * in the middle, then setting an input), user functions, a compiled Hessian-vector product, the
 * gradient views, every compile-time refusal, and anomaly mode. Allocation is measured in
 * {@link CompiledStepAllocationTest}.
 */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class CompiledStepTest {
    /** f(x) = x^2 + 3x, f'(x) = 2x + 3, recorded at x = 2. */
    private static CompiledStep squarePlusThreeX(Variable x) {
        try (GradientTape tape = new GradientTape()) {
            Tensor v = x.value();
            return tape.compile(v.square().add(v.mul(3)), List.of(x), List.of());
        }
    }

    @Test
    void x_squared_plus_3x_recorded_at_2_and_run_at_5_gives_40_and_13() {
        Variable x = new Variable(Tensor.scalar(2));
        CompiledStep step = squarePlusThreeX(x);
        x.assign(Tensor.scalar(5));
        step.start().run();
        assertEquals(40.0, step.loss(), 0); // 25 + 15
        assertValues(step.gradientTensors().get(0), new int[] {}, 13); // 2 * 5 + 3
        x.assign(Tensor.scalar(-1.5)); // and again on the same buffers
        step.start().run();
        assertEquals(-2.25, step.loss(), 0); // 2.25 - 4.5
        assertValues(step.gradientTensors().get(0), new int[] {}, 0); // 2 * -1.5 + 3
        assertEquals(List.of(x), step.variables());
    }

    @Test
    void a_step_with_inputs_and_broadcasting_matches_the_paper_values() {
        // loss = sum((w * x + b)^2) with w (2,), b (), x (2,) an input; dL/dw = 2 (w x + b) x, dL/db = 2 sum(w x + b)
        Variable w = new Variable(Tensor.vector(1, 1));
        Variable b = new Variable(Tensor.scalar(0));
        Tensor x = Tensor.vector(0, 0);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            step = tape.compile(w.value().mul(x).add(b.value()).square().sum(), List.of(w, b), List.of(x));
        }
        w.assign(Tensor.vector(2, -1));
        b.assign(Tensor.scalar(0.5));
        step.start().set(x, Tensor.vector(3, 4)).run();
        // w x + b = (6.5, -3.5): loss 42.25 + 12.25 = 54.5, dw = (2 * 6.5 * 3, 2 * -3.5 * 4), db = 2 * 3
        assertEquals(54.5, step.loss(), 0);
        assertValues(step.gradientTensors().get(0), new int[] {2}, 39, -28);
        assertValues(step.gradientTensors().get(1), new int[] {}, 6);
        // the inputs keep their values until set again
        b.assign(Tensor.scalar(0));
        step.start().run();
        assertEquals(36 + 16, step.loss(), 0);
    }

    /** Compiles f(w, x) at (w0, x0), runs it at (w1, x1) and compares with a fresh eager tape, bit for bit. */
    private static void compiledEqualsEagerAt(Tensor w0, Tensor x0, Tensor w1, Tensor x1,
            BinaryOperator<Tensor> f) {
        Variable w = new Variable(w0);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x0);
            step = tape.compile(f.apply(w.value(), x0), List.of(w), List.of(x0));
        }
        w.assign(w1);
        step.start().set(x0, x1).run();
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.of(x1.toArray(), x1.shape()));
            Tensor v = w.value();
            Tensor loss = f.apply(v, x);
            assertBitIdentical(loss, Tensor.of(new double[] {step.loss()}, loss.shape()));
            assertBitIdentical(tape.gradient(loss, v), step.gradientTensors().get(0));
        }
    }

    @Test
    void a_matmul_large_enough_to_be_split_across_threads_equals_eager_bit_for_bit() {
        // 256 x 64 x 256 = 2^22 multiply-adds, above the engine's threshold for using its pool
        compiledEqualsEagerAt(Tensor.uniform(1L, -1, 1, 64, 256), Tensor.uniform(2L, -1, 1, 256, 64),
                Tensor.uniform(3L, -1, 1, 64, 256), Tensor.uniform(4L, -1, 1, 256, 64), (w, x) -> x.matmul(w).tanh().sum());
        compiledEqualsEagerAt(Tensor.uniform(5L, -1, 1, 64, 64), Tensor.uniform(6L, -1, 1, 4, 256, 64),
                Tensor.uniform(7L, -1, 1, 64, 64), Tensor.uniform(8L, -1, 1, 4, 256, 64), (w, x) -> x.matmul(w).tanh().sum());
    }

    @Test
    void copies_running_large_matmuls_on_three_threads_at_once_agree_bit_for_bit() throws Exception {
        // each copy's products are large enough to use the matmul engine's shared pool as well
        Variable w = new Variable(Tensor.uniform(1L, -1, 1, 64, 256));
        Tensor x = Tensor.uniform(2L, -1, 1, 256, 64);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            step = tape.compile(x.matmul(w.value()).tanh().square().mean(), List.of(w), List.of(x));
        }
        Tensor newX = Tensor.uniform(3L, -1, 1, 256, 64);
        step.start().set(x, newX).run();
        Tensor expected = step.gradientTensors().get(0);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CyclicBarrier together = new CyclicBarrier(3);
            List<Future<List<Tensor>>> results = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                CompiledStep copy = step.copy();
                results.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    List<Tensor> got = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        copy.start().set(x, newX).run();
                        got.add(copy.gradientTensors().get(0));
                    }
                    return got;
                }));
            }
            for (Future<List<Tensor>> r : results) {
                for (Tensor g : r.get(60, TimeUnit.SECONDS)) {
                    assertBitIdentical(expected, g);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void empty_tensors_and_rank_1_products_compile() {
        compiledEqualsEagerAt(Tensor.vector(1, 2), Tensor.zeros(0, 3), Tensor.vector(3, 4), Tensor.zeros(0, 3),
                (w, x) -> x.sum().add(w.square().sum()));
        compiledEqualsEagerAt(Tensor.zeros(3, 2), Tensor.zeros(0, 3), Tensor.ones(3, 2), Tensor.zeros(0, 3),
                (w, x) -> x.matmul(w).sum().add(w.sum()));
        compiledEqualsEagerAt(Tensor.vector(1, 2), Tensor.vector(3, 4), Tensor.vector(5, 6), Tensor.vector(7, 8),
                (w, x) -> w.matmul(x)); // a dot product: 5 * 7 + 6 * 8
        compiledEqualsEagerAt(Tensor.vector(1, 2, 3), Tensor.scalar(1), Tensor.vector(4, 5, 6), Tensor.scalar(2),
                (w, x) -> Tensor.concat(0, w.split(0, 1, 2)).mul(x).sum());
    }

    // ------------------------------------------------------------ staged runs

    /** mu = w * obs; the action is chosen from mu in the middle of the run; loss = (action - mu)^2. */
    private static final class Policy {
        final Variable w = new Variable(Tensor.scalar(0.5));
        final Tensor obs = Tensor.scalar(1);
        final Tensor action = Tensor.scalar(0);
        final Tensor mu;
        final CompiledStep step;

        Policy() {
            try (GradientTape tape = new GradientTape()) {
                tape.watch(obs);
                tape.watch(action);
                mu = w.value().mul(obs);
                step = tape.compile(action.sub(mu).square(), List.of(w), List.of(obs, action));
            }
        }
    }

    @Test
    void a_value_read_in_the_middle_of_a_run_steers_an_input_set_after_it() {
        Policy p = new Policy();
        p.w.assign(Tensor.scalar(3));
        p.step.start().set(p.obs, 2);
        double mu = p.step.item(p.mu); // runs only as far as mu: 3 * 2
        assertEquals(6.0, mu, 0);
        assertValues(p.step.value(p.mu), new int[] {}, 6);
        p.step.set(p.action, mu + 1).run();
        assertEquals(1.0, p.step.loss(), 0); // (7 - 6)^2
        // dL/dw = -2 (a - w obs) obs = -2 * 1 * 2
        assertValues(p.step.gradientTensors().get(0), new int[] {}, -4);
    }

    @Test
    void setting_an_input_that_this_run_already_used_is_refused() {
        Policy p = new Policy();
        p.step.start().set(p.obs, 2);
        p.step.item(p.mu);
        assertThrowsWithMessage(IllegalStateException.class, () -> p.step.set(p.obs, 5),
                "CompiledStep.set", "input 0", "already used by step 0", "mul", "set inputs before reading");
        p.step.set(p.action, 0); // the action is not used yet
        p.step.run();
        // a new run may set it again
        p.step.start().set(p.obs, 5);
        assertEquals(2.5, p.step.item(p.mu), 0);
    }

    @Test
    void set_and_value_refuse_what_is_not_part_of_the_step() {
        Policy p = new Policy();
        assertThrowsWithMessage(IllegalStateException.class, () -> p.step.set(p.obs, 1), "no run is started", "start()");
        p.step.start();
        assertThrowsWithMessage(IllegalArgumentException.class, () -> p.step.set(Tensor.scalar(1), 1),
                "not one of the step's 2 inputs");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> p.step.set(p.obs, Tensor.vector(1, 2)),
                "input 0 has shape ()", "(2,)", "keeps its shapes");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> p.step.value(Tensor.scalar(1)),
                "not part of this step's program");
    }

    // ------------------------------------------------------------ the program listing

    @Test
    void to_string_lists_the_program_with_its_op_names() {
        Variable w = new Variable(Tensor.ones(3, 2));
        Tensor x = Tensor.ones(4, 3);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            step = tape.compile(x.matmul(w.value()).tanh().sum(), List.of(w), List.of(x));
        }
        String listing = step.toString();
        for (String fragment : new String[] {"CompiledStep of " + step.size() + " steps, 1 variable, 1 input",
                "in  v0:(3, 2) x0:(4, 3)", "= matMul x0 v0", "= tanh", "= sum", "= tanhGrad",
                "matMulTransposedA x0", "out loss", "gradients"}) {
            assertTrue(listing.contains(fragment), "missing \"" + fragment + "\" in:\n" + listing);
        }
        assertEquals(step.size() + 3, listing.split("\n").length, listing); // a header, inputs, one line a step, outputs
    }

    // ------------------------------------------------------------ user functions

    /** x^3 whose forward and backward read raw arrays: opaque, so a compiled step calls both again. */
    static final class RawCube extends Function {
        int forwardCalls;
        int backwardCalls;

        @Override
        protected Tensor forward(Tensor... in) {
            forwardCalls++;
            double[] x = in[0].toArray();
            for (int i = 0; i < x.length; i++) x[i] = x[i] * x[i] * x[i];
            return Tensor.of(x, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            backwardCalls++;
            double[] x = node.input(0).toArray();
            double[] gv = g.toArray();
            for (int i = 0; i < x.length; i++) x[i] = 3 * x[i] * x[i] * gv[i];
            return new Tensor[] {Tensor.of(x, node.input(0).shape())};
        }
    }

    @Test
    void a_user_function_reading_raw_values_stays_right_at_new_values() {
        RawCube cube = new RawCube();
        Variable x = new Variable(Tensor.vector(2, -1));
        Tensor scale = Tensor.vector(1, 1);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(scale);
            step = tape.compile(cube.apply(x.value()).mul(scale).sum(), List.of(x), List.of(scale));
        }
        int forward = cube.forwardCalls;
        int backward = cube.backwardCalls;
        x.assign(Tensor.vector(3, 0.5));
        step.start().set(scale, Tensor.vector(1, 2)).run();
        assertEquals(27 + 2 * 0.125, step.loss(), 0);
        // d/dx = 3 x^2 * scale: (27, 1.5), read from the new x by the user's own backward
        assertValues(step.gradientTensors().get(0), new int[] {2}, 27, 1.5);
        assertEquals(forward + 1, cube.forwardCalls, "the forward runs again in each run");
        assertEquals(backward + 1, cube.backwardCalls, "the backward runs again in each run");
    }

    // ------------------------------------------------------------ second order

    /** A tanh MLP's mean squared error on fixed data: W1 (3, 4), b1 (4,), W2 (4, 1). */
    private static Tensor mlpLoss(List<Tensor> p) {
        Tensor x = Tensor.uniform(11L, -1, 1, 5, 3);
        Tensor y = Tensor.uniform(12L, -1, 1, 5, 1);
        return x.matmul(p.get(0)).add(p.get(1)).tanh().matmul(p.get(2)).sub(y).square().mean();
    }

    /**
     * grad(L) . v recorded on an outer tape (the inner tape's gradient recorded as operations);
     * compiles it with v as inputs when {@code compile}, else returns the eager H v.
     */
    private static Object hvp(List<Variable> params, List<Tensor> v, boolean compile) {
        try (GradientTape outer = new GradientTape()) {
            v.forEach(outer::watch);
            List<Tensor> p = new ArrayList<>();
            List<Tensor> g;
            try (GradientTape inner = new GradientTape()) {
                params.forEach(q -> p.add(q.value())); // watched by both tapes
                g = inner.gradient(mlpLoss(p), p);
            }
            Tensor gv = g.get(0).mul(v.get(0)).sum();
            for (int i = 1; i < g.size(); i++) gv = gv.add(g.get(i).mul(v.get(i)).sum());
            return compile ? outer.compile(gv, params, v) : outer.gradient(gv, p);
        }
    }

    @Test
    void a_compiled_hessian_vector_product_of_an_mlp_equals_the_eager_one_bit_for_bit() {
        List<Variable> params = List.of(new Variable(Tensor.uniform(21L, -1, 1, 3, 4)),
                new Variable(Tensor.uniform(22L, -0.5, 0.5, 4)), new Variable(Tensor.uniform(23L, -1, 1, 4, 1)));
        List<Tensor> v = List.of(Tensor.randn(31L, 3, 4), Tensor.randn(32L, 4), Tensor.randn(33L, 4, 1));
        CompiledStep step = (CompiledStep) hvp(params, v, true);
        for (long seed = 100; seed < 103; seed++) {
            params.get(0).assign(Tensor.uniform(seed, -1, 1, 3, 4));
            params.get(1).assign(Tensor.uniform(seed + 10, -0.5, 0.5, 4));
            params.get(2).assign(Tensor.uniform(seed + 20, -1, 1, 4, 1));
            List<Tensor> newV = List.of(Tensor.randn(seed + 30, 3, 4), Tensor.randn(seed + 40, 4),
                    Tensor.randn(seed + 50, 4, 1));
            step.start();
            for (int i = 0; i < 3; i++) step.set(v.get(i), newV.get(i));
            step.run();
            @SuppressWarnings("unchecked")
            List<Tensor> eager = (List<Tensor>) hvp(params, newV, false);
            List<Tensor> compiled = step.gradientTensors();
            for (int i = 0; i < 3; i++) {
                assertBitIdentical(eager.get(i), compiled.get(i));
            }
            assertTrue(compiled.get(0).toArray()[0] != 0, "a real second derivative, not zeros");
        }
    }

    // ------------------------------------------------------------ gradients as views and tensors

    @Test
    void gradient_views_show_the_latest_run_and_gradient_tensors_are_snapshots() {
        Variable x = new Variable(Tensor.scalar(2));
        CompiledStep step = squarePlusThreeX(x);
        List<TensorView> views = step.gradients();
        assertSame(views, step.gradients(), "the same list every time");
        assertEquals(Shape.SCALAR, views.get(0).shape());
        step.start().run();
        Tensor first = step.gradientTensors().get(0);
        double[] out = new double[1];
        views.get(0).copyTo(out);
        assertEquals(7.0, out[0], 0);
        x.assign(Tensor.scalar(10));
        step.start().run();
        views.get(0).copyTo(out);
        assertEquals(23.0, out[0], 0, "a view shows the latest run");
        assertEquals(7.0, first.item(), 0, "a tensor handed out never changes");
        assertNotSame(step.gradientTensors().get(0), step.gradientTensors().get(0));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> views.get(0).copyTo(new double[2]),
                "gradient 0", "1 values", "destination holds 2");
    }

    @Test
    void reading_gradients_before_a_run_has_finished_is_refused() {
        Variable x = new Variable(Tensor.scalar(2));
        CompiledStep step = squarePlusThreeX(x);
        double[] out = new double[1];
        assertThrowsWithMessage(IllegalStateException.class, () -> step.gradients().get(0).copyTo(out),
                "CompiledStep.gradients", "no run has finished", "run()");
        assertThrowsWithMessage(IllegalStateException.class, step::gradientTensors, "no run has finished");
        step.start().run();
        step.start(); // a new run started: its gradients are not there yet
        assertThrowsWithMessage(IllegalStateException.class, () -> step.gradients().get(0).copyTo(out),
                "no run has finished since start()");
        assertThrowsWithMessage(IllegalStateException.class, () -> new Policy().step.run(), "no run is started");
    }

    // ------------------------------------------------------------ compile-time refusals

    @Test
    void a_variable_not_read_while_recording_is_named() {
        Variable read = new Variable(Tensor.scalar(1));
        Variable unread = new Variable(Tensor.vector(1, 2));
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = read.value().square();
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> tape.compile(loss, List.of(read, unread), List.of()),
                    "GradientTape.compile", "variable 1", "(2,)", "was not read while this tape recorded");
        }
    }

    @Test
    void a_variable_changed_after_it_was_read_is_named() {
        Variable w = new Variable(Tensor.scalar(1));
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = w.value().square();
            w.assign(Tensor.scalar(2));
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(loss, List.of(w), List.of()),
                    "variable 0", "or was changed since");
        }
    }

    @Test
    void an_input_not_watched_is_named() {
        Variable w = new Variable(Tensor.scalar(1));
        Tensor x = Tensor.vector(1, 2, 3);
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = w.value().mul(x).sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(loss, List.of(w), List.of(x)),
                    "GradientTape.compile", "input 0", "(3,)", "not a leaf this tape watches", "tape.watch");
        }
    }

    @Test
    void a_watched_leaf_that_is_neither_variable_nor_input_is_named() {
        Variable w = new Variable(Tensor.scalar(1));
        try (GradientTape tape = new GradientTape()) {
            Tensor frozen = tape.watch(Tensor.vector(1, 2));
            Tensor loss = w.value().mul(frozen).sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(loss, List.of(w), List.of()),
                    "GradientTape.compile", "input 1 of mul((), (2,)) -> (2,)", "neither a variable nor an input",
                    "freeze it");
        }
    }

    @Test
    void a_target_that_is_a_leaf_compiles_as_eager_differentiates_it() {
        // the loss is a variable's value itself, or an input: d loss / d itself = 1, the rest 0,
        // as tape.gradient gives
        Variable w = new Variable(Tensor.scalar(3));
        Variable other = new Variable(Tensor.vector(1, 2));
        Tensor x = Tensor.scalar(2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor loss = w.value();
            other.value();
            CompiledStep step = tape.compile(loss, List.of(w, other), List.of(x));
            step.start();
            step.run();
            assertEquals(3.0, step.loss());
            assertArrayEquals(new double[] {1.0}, values(step.gradients().get(0)));
            assertArrayEquals(new double[] {0.0, 0.0}, values(step.gradients().get(1)));
            w.assign(Tensor.scalar(5));
            step.start();
            step.run();
            assertEquals(5.0, step.loss());
            assertArrayEquals(new double[] {1.0}, values(step.gradients().get(0)));
        }
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            w.value();
            CompiledStep step = tape.compile(x, List.of(w), List.of(x));
            step.start();
            step.set(x, 7.0);
            step.run();
            assertEquals(7.0, step.loss());
            assertArrayEquals(new double[] {0.0}, values(step.gradients().get(0)));
        }
    }

    private static double[] values(TensorView v) {
        double[] out = new double[v.shape().size()];
        v.copyTo(out);
        return out;
    }

    @Test
    void a_target_not_recorded_is_named() {
        Variable w = new Variable(Tensor.scalar(1));
        try (GradientTape tape = new GradientTape()) {
            w.value();
            Tensor constant = Tensor.scalar(3).square();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(constant, List.of(w), List.of()),
                    "GradientTape.compile", "the target (shape ())", "was not recorded by this tape");
        }
    }

    @Test
    void a_target_of_more_than_one_element_is_named() {
        Variable w = new Variable(Tensor.vector(1, 2));
        try (GradientTape tape = new GradientTape()) {
            Tensor y = w.value().square();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(y, List.of(w), List.of()),
                    "GradientTape.compile", "the target has shape (2,)", "single number", "sum()");
        }
    }

    @Test
    void an_input_listed_twice_or_also_a_variable_is_refused() {
        Variable w = new Variable(Tensor.scalar(1));
        Tensor x = Tensor.scalar(2);
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(x);
            Tensor w0 = w.value();
            Tensor loss = w0.mul(x);
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(loss, List.of(w), List.of(x, x)),
                    "GradientTape.compile", "listed twice");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.compile(loss, List.of(w), List.of(w0)),
                    "GradientTape.compile", "also a variable's value");
        }
    }

    @Test
    void a_variable_listed_twice_is_refused_or_gets_its_gradient_twice() {
        Variable w = new Variable(Tensor.scalar(1));
        Tensor x = Tensor.scalar(1);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor loss = w.value().mul(x);
            try {
                step = tape.compile(loss, List.of(w, w), List.of(x));
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("variable 1") && e.getMessage().contains("twice"), e.getMessage());
                return; // refusing, like an input listed twice, is fine
            }
        }
        w.assign(Tensor.scalar(2));
        step.start().set(x, 3).run();
        assertEquals(6.0, step.loss(), 0);
        assertValues(step.gradientTensors().get(0), new int[] {}, 3); // as eager tape.gradient(loss, [w, w])
        assertValues(step.gradientTensors().get(1), new int[] {}, 3);
    }

    @Test
    void a_variable_read_but_not_used_by_the_target_gets_exact_zeros() {
        Variable used = new Variable(Tensor.scalar(1));
        Variable unused = new Variable(Tensor.vector(1, 2));
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            unused.value();
            step = tape.compile(used.value().square(), List.of(used, unused), List.of());
        }
        used.assign(Tensor.scalar(4));
        step.start().run();
        assertEquals(16.0, step.loss(), 0);
        assertValues(step.gradientTensors().get(0), new int[] {}, 8);
        assertBitIdentical(Tensor.zeros(2), step.gradientTensors().get(1));
    }

    @Test
    void compiling_after_the_record_was_freed_is_refused() {
        Variable w = new Variable(Tensor.scalar(1));
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = w.value().square();
            tape.gradient(loss, w.value());
            assertThrowsWithMessage(IllegalStateException.class, () -> tape.compile(loss, List.of(w), List.of()),
                    "GradientTape.compile", "freed by gradient()", "persistent");
        }
    }

    // ------------------------------------------------------------ anomaly mode

    @Test
    void anomaly_mode_during_a_compiled_run_names_the_step() {
        Variable x = new Variable(Tensor.vector(1, 2));
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            step = tape.compile(x.value().log().sum(), List.of(x), List.of());
        }
        x.assign(Tensor.vector(1, 0));
        step.start().run(); // off: -infinity passes silently
        assertEquals(Double.NEGATIVE_INFINITY, step.loss());
        try (AnomalyMode on = AnomalyMode.enable()) {
            step.start();
            NonFiniteValueException e = assertThrowsWithMessage(NonFiniteValueException.class, step::run,
                    "anomaly in compiled step 0 of " + step.size(), "log((2,)) -> (2,)", "-Infinity", "flat index 1");
            assertEquals("log", e.op());
        }
    }
}
