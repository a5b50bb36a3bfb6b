package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.ReplayProperties.assertSameBits;
import static dev.gradtape.autodiff.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Worked examples of {@link Replay}: a run by hand, inputs set from run to run (and the staged
 * pattern where a value read early decides an input), the constants a replay freezes, user
 * functions through the generic kernel, and the nesting rules. The error messages are in
 * {@link ReplayErrorsTest}; every operation against eager is in {@link ReplayProperties}.
 */
class ReplayTest {
    /** f(x) = x^2 + 3x recorded at x = 2, replayed at x = 5: f = 40, f' = 2x + 3 = 13. */
    @Test
    void worked_example_recorded_at_2_replayed_at_5() {
        Tensor x = Tensor.scalar(2);
        Tensor f;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            f = x.mul(x).add(x.mul(3.0));
            replay = tape.replay(f, List.of(x), List.of());
        }
        assertEquals(10.0, f.item()); // the recording itself ran at x = 2: 4 + 6
        assertEquals(3, replay.size()); // mul, mul by 3, add
        replay.start(List.of(Tensor.scalar(5)));
        assertEquals(40.0, replay.item(f));
        assertValues(replay.gradient().get(0), new int[0], 13.0);
        replay.start(List.of(Tensor.scalar(-1))); // and again: 1 - 3 = -2, f' = 1
        assertValues(replay.gradient().get(0), new int[0], 1.0);
        assertEquals(-2.0, replay.item(f));
    }

    // ------------------------------------------------------------ inputs

    /** loss = sum(w * obs): the gradient wrt w is obs, whatever obs this run was given. */
    @Test
    void an_input_set_each_run_changes_the_result() {
        Tensor w = Tensor.vector(1, 2, 3);
        Tensor obs = Tensor.vector(0, 0, 0);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(obs);
            loss = w.mul(obs).sum();
            replay = tape.replay(loss, List.of(w), List.of(obs));
        }
        replay.start(List.of(w)).set(obs, Tensor.vector(1, 0, -1));
        assertEquals(-2.0, replay.item(loss));
        assertValues(replay.gradient().get(0), new int[] {3}, 1, 0, -1);
        replay.start(List.of(w)).set(obs, Tensor.vector(4, 5, 6));
        assertEquals(32.0, replay.item(loss));
        assertValues(replay.gradient().get(0), new int[] {3}, 4, 5, 6);
    }

    @Test
    void an_input_not_set_keeps_its_previous_value_and_starts_at_the_recorded_one() {
        Tensor w = Tensor.vector(1, 2);
        Tensor obs = Tensor.vector(10, 20);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(obs);
            loss = w.mul(obs).sum();
            replay = tape.replay(loss, List.of(w), List.of(obs));
        }
        replay.start(List.of(Tensor.vector(1, 1))); // obs never set: its recorded value
        assertEquals(30.0, replay.item(loss));
        replay.gradient();
        replay.set(obs, Tensor.vector(3, 4)); // between runs: holds for the next run
        replay.start(List.of(Tensor.vector(1, 1)));
        assertEquals(7.0, replay.item(loss));
        replay.gradient();
        replay.start(List.of(Tensor.vector(2, 0))); // not set again: still (3, 4)
        assertEquals(6.0, replay.item(loss));
        assertValues(replay.gradient().get(0), new int[] {2}, 3, 4);
        assertValues(replay.value(obs), new int[] {2}, 3, 4);
    }

    @Test
    void set_with_a_number_on_one_element_inputs() {
        Tensor w = Tensor.vector(1, 2, 3);
        Tensor reward = Tensor.scalar(1);
        Tensor scale = Tensor.of(new double[] {1}, 1, 1); // one element of rank 2 counts too
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(reward);
            tape.watch(scale);
            loss = w.sum().mul(reward).mul(scale).sum();
            replay = tape.replay(loss, List.of(w), List.of(reward, scale));
        }
        replay.start(List.of(w)).set(reward, 2.5).set(scale, -2.0);
        assertEquals(-30.0, replay.item(loss));
        assertValues(replay.gradient().get(0), new int[] {3}, -5, -5, -5);
        replay.start(List.of(w)).set(reward, 0.5); // scale keeps -2
        assertValues(replay.gradient().get(0), new int[] {3}, -1, -1, -1);
        assertEquals(1.0, reward.item(), "setting by number never writes into the recorded tensor");
        assertEquals(1.0, scale.item());
    }

    /**
     * The article's pattern: the policy's mean mu is computed from the sources, read with item,
     * an action is sampled from it and set, and the loss uses the action. The replay's run equals
     * an eager tape fed the same action, bit for bit.
     */
    @Test
    void staged_use_reads_mu_before_setting_the_action_it_decides() {
        Tensor theta = Tensor.vector(0.5, -0.25);
        Tensor state = Tensor.vector(1.5, 2.0); // a constant of the recording
        Tensor action = Tensor.scalar(0);
        Tensor reward = Tensor.scalar(0);
        Tensor mu;
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(theta);
            tape.watch(action);
            tape.watch(reward);
            mu = theta.mul(state).sum().tanh();
            loss = action.sub(mu).square().mul(reward).mul(0.5);
            replay = tape.replay(loss, List.of(theta), List.of(action, reward));
        }
        double[][] thetas = {{0.1, 0.2}, {-0.7, 0.3}, {1.1, -0.9}};
        for (int run = 0; run < thetas.length; run++) {
            Tensor th = Tensor.vector(thetas[run]);
            replay.start(List.of(th));
            double m = replay.item(mu); // the forward runs only as far as mu
            double a = m + 0.3 * (run - 1);
            double r = 1.0 + run;
            replay.set(action, a).set(reward, r);
            List<Tensor> got = replay.gradient();
            try (GradientTape tape = new GradientTape()) {
                tape.watch(th);
                Tensor eagerMu = th.mul(state).sum().tanh();
                assertEquals(eagerMu.item(), m);
                Tensor eagerLoss = Tensor.scalar(a).sub(eagerMu).square().mul(Tensor.scalar(r)).mul(0.5);
                assertEquals(eagerLoss.item(), replay.item(loss));
                assertSameBits("staged run " + run, tape.gradient(eagerLoss, List.of(th)), got);
            }
        }
    }

    // ------------------------------------------------------------ constants

    /**
     * The trap the Replay javadoc warns of: {@code x.mul(r)} with a Java {@code double r} records
     * r as part of the operation, so every run uses the recorded r. Feeding the number as an input
     * tensor is what makes it change.
     */
    @Test
    void a_double_folded_into_an_operation_stays_frozen_at_its_recorded_value() {
        double r = 2.0;
        Tensor x = Tensor.vector(1, 1);
        Tensor rInput = Tensor.scalar(r);
        Tensor folded;
        Tensor asInput;
        Replay frozen;
        Replay live;
        // two tapes: a replay compiles its tape's whole record, and rInput is not named in the first
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            folded = x.mul(r).sum();
            frozen = tape.replay(folded, List.of(x), List.of());
        }
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(rInput);
            asInput = x.mul(rInput).sum();
            live = tape.replay(asInput, List.of(x), List.of(rInput));
        }
        r = 3.0; // too late: the recording has 2.0 in it
        frozen.start(List.of(Tensor.vector(1, 1)));
        assertValues(frozen.gradient().get(0), new int[] {2}, 2, 2);
        live.start(List.of(Tensor.vector(1, 1))).set(rInput, r);
        assertValues(live.gradient().get(0), new int[] {2}, 3, 3);
    }

    @Test
    void a_leaf_neither_watched_nor_named_is_a_constant_frozen_at_its_recorded_value() {
        Tensor x = Tensor.vector(1, 2);
        Tensor bias = Tensor.vector(10, 20); // never watched: a constant
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            loss = x.add(bias).square().sum();
            replay = tape.replay(loss, List.of(x), List.of());
        }
        replay.start(List.of(Tensor.vector(0, 0)));
        assertEquals(500.0, replay.item(loss)); // 10^2 + 20^2
        assertValues(replay.gradient().get(0), new int[] {2}, 20, 40);
    }

    /**
     * Regression: where's condition is detached; the first Replay treated the detached copy as a
     * constant, so set on an input used as a condition was accepted and silently ignored.
     */
    @Test
    void an_input_used_as_a_where_condition_follows_set() {
        Tensor x = Tensor.vector(1, 2, 3);
        Tensor mask = Tensor.vector(1, 0, 1);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(mask);
            loss = Tensor.where(mask, x, x.mul(-1.0)).mul(Tensor.vector(1, 10, 100)).sum();
            replay = tape.replay(loss, List.of(x), List.of(mask));
        }
        Tensor newMask = Tensor.vector(0, 1, 1);
        replay.start(List.of(x)).set(mask, newMask);
        List<Tensor> got = replay.gradient();
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor eager = Tensor.where(newMask, x, x.mul(-1.0)).mul(Tensor.vector(1, 10, 100)).sum();
            assertSameBits("where with a condition set as an input", tape.gradient(eager, List.of(x)), got);
        }
    }

    // ------------------------------------------------------------ the generic kernel

    @Test
    void user_functions_go_through_the_generic_kernel_and_equal_eager() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0, 2.0, 0.25, -0.75, 1.5}, 2, 3);
        Tensor y = Tensor.vector(0.3, -0.2, 0.9);
        java.util.function.BinaryOperator<Tensor> f = (a, b) -> new CustomFunctionTest.Swish()
                .apply(new CustomFunctionTest.Cube().apply(a).add(b)).mul(a).sum();
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(y);
            loss = f.apply(x, y);
            replay = tape.replay(loss, List.of(x, y), List.of());
        }
        for (long seed = 1; seed <= 3; seed++) {
            Tensor x2 = Tensor.uniform(seed, -1, 1, 2, 3);
            Tensor y2 = Tensor.uniform(seed + 100, -1, 1, 3);
            try (GradientTape tape = new GradientTape()) {
                tape.watch(x2);
                tape.watch(y2);
                Tensor eager = f.apply(x2, y2);
                List<Tensor> expected = tape.gradient(eager, List.of(x2, y2));
                replay.start(List.of(x2, y2));
                assertSameBits("user function, loss", eager, replay.value(loss));
                assertSameBits("user function, gradients", expected, replay.gradient());
            }
        }
    }

    /** a + b whose backward gives b no gradient (null), as a Function may. */
    static final class AddNoGradientToB extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].add(in[1]);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g, null};
        }
    }

    /**
     * BUG (reported, minor; fails on purpose until fixed): the generic kernel turns a null
     * gradient into zeros, which are then added to the node's other gradients. Eager skips the
     * null, so where the only other gradient is -0.0 eager gives -0.0 and the replay
     * 0.0 + -0.0 = +0.0.
     */
    @Test
    void a_null_gradient_from_a_function_adds_nothing_not_even_the_sign_of_a_zero() {
        Tensor a = Tensor.vector(1, 2);
        Tensor b = Tensor.vector(3, 4);
        java.util.function.BinaryOperator<Tensor> f = (x, y) ->
                y.mul(-0.0).sum().add(new AddNoGradientToB().apply(x, y).sum());
        Tensor loss;
        Replay replay;
        List<Tensor> eager;
        // gradient before replay: a replay of a user Function re-runs that node, and the tape then
        // refuses gradients (ReplayIsolationTest)
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(a);
            tape.watch(b);
            loss = f.apply(a, b);
            eager = tape.gradient(loss, List.of(a, b));
            replay = tape.replay(loss, List.of(a, b), List.of());
        }
        assertSameBits("eager: b's gradient is -0 * 1", Tensor.vector(-0.0, -0.0), eager.get(1));
        replay.start(List.of(a, b));
        assertSameBits("a null gradient next to -0.0", eager, replay.gradient());
    }

    /** Recorded on an inner tape while an outer one records too: the replay follows the inner tape. */
    @Test
    void a_replay_compiled_from_a_nested_tape_equals_the_inner_eager_gradient() {
        Tensor x = Tensor.vector(0.5, -0.5, 1.5);
        Tensor loss;
        Replay replay;
        try (GradientTape outer = new GradientTape(); GradientTape inner = new GradientTape()) {
            outer.watch(x);
            inner.watch(x);
            loss = x.tanh().mul(x).sum();
            replay = inner.replay(loss, List.of(x), List.of());
            assertEquals(outer.size(), inner.size());
        }
        Tensor x2 = Tensor.vector(-1, 0.25, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x2);
            Tensor eager = x2.tanh().mul(x2).sum();
            replay.start(List.of(x2));
            assertSameBits("nested recording", tape.gradient(eager, List.of(x2)), replay.gradient());
        }
    }

    @Test
    void value_reads_sources_inputs_constants_and_intermediates_of_this_run() {
        Tensor x = Tensor.vector(1, 2);
        Tensor obs = Tensor.vector(3, 4);
        Tensor c = Tensor.vector(10, 20);
        Tensor h;
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(obs);
            h = x.mul(obs).add(c);
            loss = h.sum();
            replay = tape.replay(loss, List.of(x), List.of(obs));
        }
        replay.start(List.of(Tensor.vector(5, 6))).set(obs, Tensor.vector(-1, 1));
        assertValues(replay.value(x), new int[] {2}, 5, 6);
        assertValues(replay.value(obs), new int[] {2}, -1, 1);
        assertValues(replay.value(c), new int[] {2}, 10, 20);
        assertValues(replay.value(h), new int[] {2}, 5, 26);
        replay.gradient();
        assertValues(replay.value(h), new int[] {2}, 5, 26); // still readable after the run
        assertValues(h, new int[] {2}, 13, 28); // the recorded tensor is untouched
    }

    @Test
    void a_source_the_target_does_not_depend_on_gets_zeros() {
        Tensor x = Tensor.vector(1, 2);
        Tensor unused = Tensor.of(new double[] {5, 6, 7, 8}, 2, 2);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(unused);
            loss = x.exp().sum();
            replay = tape.replay(loss, List.of(x, unused), List.of());
        }
        replay.start(List.of(Tensor.vector(0, 0), Tensor.ones(2, 2)));
        List<Tensor> g = replay.gradient();
        assertValues(g.get(0), new int[] {2}, 1, 1);
        assertSameBits("unused source", Tensor.zeros(2, 2), g.get(1));
    }

    @Test
    void a_target_that_depends_on_no_source_gives_zeros() {
        Tensor x = Tensor.vector(1, 2);
        Tensor obs = Tensor.vector(3, 4);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(obs);
            loss = obs.square().sum();
            replay = tape.replay(loss, List.of(x), List.of(obs));
        }
        replay.start(List.of(x)).set(obs, Tensor.vector(1, 1));
        assertSameBits("no path to the source", Tensor.zeros(2), replay.gradient().get(0));
        assertEquals(2.0, replay.item(loss));
    }

    // ------------------------------------------------------------ tapes, determinism, sizes

    @Test
    void a_replay_records_nothing_on_an_open_outer_tape() {
        Tensor x = Tensor.vector(0.5, -1.5, 2.0);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            // a kernel op, a generic one (max, where) and a user function
            Tensor h = new CustomFunctionTest.Cube().apply(x.tanh());
            loss = Tensor.where(Tensor.vector(1, 0, 1), h, x).max().add(h.sum());
            replay = tape.replay(loss, List.of(x), List.of());
        }
        Tensor x2 = Tensor.vector(1, 2, 3);
        try (GradientTape outer = GradientTape.persistent()) {
            outer.watch(x2);
            int before = outer.size();
            replay.start(List.of(x2));
            replay.item(loss);
            List<Tensor> g = replay.gradient();
            assertEquals(before, outer.size(), "the replay's run was recorded on the outer tape");
            assertEquals(false, outer.isTracked(g.get(0)));
            assertEquals(false, outer.isTracked(replay.value(loss)));
        }
    }

    @Test
    void two_replays_of_one_recording_and_repeated_runs_give_identical_bits() {
        Tensor w = Tensor.uniform(3, -1, 1, 4, 3);
        Tensor b = Tensor.uniform(4, -1, 1, 3);
        Tensor input = Tensor.uniform(5, -1, 1, 5, 4);
        Tensor loss;
        Replay first;
        Replay second;
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(w);
            tape.watch(b);
            tape.watch(input);
            Tensor h = input.matmul(w).add(b).tanh();
            loss = h.mul(h).sum().add(h.max(0, false).sum()).add(w.square().mean());
            first = tape.replay(loss, List.of(w, b), List.of(input));
            second = tape.replay(loss, List.of(w, b), List.of(input));
        }
        for (long seed = 10; seed < 14; seed++) {
            List<Tensor> sources = List.of(Tensor.uniform(seed, -1, 1, 4, 3), Tensor.uniform(seed + 1, -1, 1, 3));
            Tensor in = Tensor.uniform(seed + 2, -1, 1, 5, 4);
            List<Tensor> a = first.start(sources).set(input, in).gradient();
            List<Tensor> again = first.start(sources).gradient(); // same values, buffers reused
            List<Tensor> c = second.start(sources).set(input, in).gradient();
            assertSameBits("the same replay twice", a, again);
            assertSameBits("two replays of one recording", a, c);
            assertSameBits("loss", first.value(loss), second.value(loss));
        }
    }

    /** 64 x 64 x 64 is above MatMulKernel.SMALL_MACS: the engine's blocked loops, which accumulate. */
    @Test
    void a_matmul_above_the_small_product_threshold_equals_eager() {
        int n = 64;
        int k = 70;
        int m = 66;
        Tensor a = Tensor.uniform(21, -1, 1, n, k);
        Tensor b = Tensor.uniform(22, -1, 1, k, m);
        Tensor w = Tensor.uniform(23, -1, 1, n, m);
        Tensor loss;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(a);
            tape.watch(b);
            loss = a.matmul(b).mul(w).sum();
            replay = tape.replay(loss, List.of(a, b), List.of());
        }
        for (long seed = 30; seed < 33; seed++) { // repeated: stale sums in reused buffers would show
            Tensor a2 = Tensor.uniform(seed, -1, 1, n, k);
            Tensor b2 = Tensor.uniform(seed + 50, -1, 1, k, m);
            try (GradientTape tape = new GradientTape()) {
                tape.watch(a2);
                tape.watch(b2);
                Tensor eager = a2.matmul(b2).mul(w).sum();
                List<Tensor> expected = tape.gradient(eager, List.of(a2, b2));
                replay.start(List.of(a2, b2));
                assertSameBits("large matmul, loss", eager, replay.value(loss));
                assertSameBits("large matmul, gradients", expected, replay.gradient());
            }
        }
    }

    /**
     * Regression: the first generic kernel re-ran the recorded primitive in place, which then
     * pointed at the replay's tensors, and the tape's own gradient failed (index -1).
     */
    @Test
    void running_a_replay_leaves_the_recording_tape_able_to_compute_its_gradient() {
        Tensor x = Tensor.vector(0.5, -1.5, 2.0);
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(x);
            Tensor loss = Tensor.where(Tensor.vector(1, 0, 1), x.exp(), x).max().add(x.sum());
            List<Tensor> before = tape.gradient(loss, List.of(x));
            Replay replay = tape.replay(loss, List.of(x), List.of());
            replay.start(List.of(Tensor.vector(3, 2, 1))).gradient();
            assertSameBits("the tape's gradient after a replay ran", before, tape.gradient(loss, List.of(x)));
        }
    }

    @Test
    void a_replay_does_not_write_into_the_tensors_it_was_given() {
        Tensor x = Tensor.vector(1, 2, 3);
        Tensor obs = Tensor.vector(4, 5, 6);
        Tensor out;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(obs);
            out = x.reshape(3, 1).mul(obs).exp();
            replay = tape.replay(out.sum(), List.of(x), List.of(obs));
        }
        double[] recordedOut = out.toArray();
        Tensor x2 = Tensor.vector(-1, 0, 1);
        Tensor obs2 = Tensor.vector(0.5, 0.25, 0.125);
        replay.start(List.of(x2)).set(obs, obs2).gradient();
        replay.start(List.of(x2)).gradient(); // a second run reuses every buffer
        assertValues(x, new int[] {3}, 1, 2, 3);
        assertValues(obs, new int[] {3}, 4, 5, 6);
        assertValues(x2, new int[] {3}, -1, 0, 1);
        assertValues(obs2, new int[] {3}, 0.5, 0.25, 0.125);
        org.junit.jupiter.api.Assertions.assertArrayEquals(recordedOut, out.toArray());
    }
}
