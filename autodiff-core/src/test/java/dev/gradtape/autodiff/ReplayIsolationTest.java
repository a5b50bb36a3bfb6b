package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replay must not disturb the graph it was compiled from: operations without a kernel of their
 * own run on copies, and where no copy can be made (a user's Function) the recording tape refuses
 * further gradients instead of computing them from the replay's values.
 */
class ReplayIsolationTest {
    /** f(x) = 2x, written as a user Function. */
    static final class Twice extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            return in[0].mul(2.0);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(2.0)};
        }
    }

    /** Ops that run on the generic kernel: slice, concat, where, max, permute, pad, batched matmul. */
    private static Tensor genericOps(Tensor x, Tensor w) {
        Tensor a = Tensor.concat(1, x.slice(1, 0, 2), x.slice(1, 1, 3)); // (2, 4)
        Tensor b = Tensor.where(a.greater(0.0), a, a.mul(0.5));
        Tensor c = b.max(1, false).sum();
        Tensor d = x.reshape(1, 2, 3).matmul(w.reshape(1, 3, 2)).permute(0, 2, 1).pad(2, 1, 0).sum();
        return c.add(d);
    }

    @Test
    void replaying_operations_without_a_kernel_leaves_the_recorded_graph_intact() {
        Tensor x = Tensor.of(new double[] {1, -2, 3, -4, 5, 6}, 2, 3);
        Tensor w = Tensor.of(new double[] {0.5, -1, 2, 1, -0.5, 3}, 3, 2);
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(x);
            tape.watch(w);
            Tensor loss = genericOps(x, w);
            List<Tensor> before = tape.gradient(loss, List.of(x, w));
            Replay replay = tape.replay(loss, List.of(x, w), List.of());
            assertTrue(replay.toString().contains("[generic kernel]"), replay.toString());

            Tensor x2 = Tensor.of(new double[] {-1, 2, 0.5, 4, -5, 1}, 2, 3);
            Tensor w2 = Tensor.of(new double[] {1, 1, -2, 0.25, 3, -1}, 3, 2);
            List<Tensor> replayed = replay.start(List.of(x2, w2)).gradient();
            List<Tensor> eager2;
            try (GradientTape fresh = new GradientTape()) {
                fresh.watch(x2);
                fresh.watch(w2);
                eager2 = fresh.gradient(genericOps(x2, w2), List.of(x2, w2));
            }
            for (int i = 0; i < 2; i++) {
                assertTrue(replayed.get(i).valueEquals(eager2.get(i)), "source " + i);
            }
            // the recording tape still answers from the recorded values
            List<Tensor> after = tape.gradient(loss, List.of(x, w));
            for (int i = 0; i < 2; i++) {
                assertTrue(after.get(i).valueEquals(before.get(i)), "source " + i + " after the replay ran");
            }
        }
    }

    @Test
    void a_user_function_is_rerun_in_place_so_the_recording_tape_refuses_gradients_afterwards() {
        Tensor x = Tensor.vector(1, 2, 3);
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(x);
            Tensor loss = new Twice().apply(x).square().sum();
            Replay replay = tape.replay(loss, List.of(x), List.of());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> tape.gradient(loss, x));
            assertTrue(e.getMessage().contains("user-defined Function"), e.getMessage());
            // the replay itself is right: d/dx sum((2x)^2) = 8x
            Tensor g = replay.start(List.of(Tensor.vector(1, -1, 0.5))).gradient().get(0);
            assertTrue(g.valueEquals(Tensor.vector(8, -8, 4)), g.toString());
            assertEquals(4 * 3 * 1.0, replay.start(List.of(Tensor.vector(1, 1, 1))).value(loss).item());
        }
    }

    @Test
    void a_replay_runs_only_what_its_target_depends_on() {
        Tensor x = Tensor.vector(1, 2);
        Tensor r = Tensor.scalar(3);
        try (GradientTape tape = GradientTape.persistent()) {
            tape.watch(x);
            tape.watch(r);
            Tensor a = x.mul(2.0).sum();
            Tensor b = x.mul(r).sum().exp(); // another computation on the same tape
            Replay replay = tape.replay(a, List.of(x), List.of()); // r need not be named
            assertEquals(2, replay.size(), replay.toString());
            Tensor g = replay.start(List.of(Tensor.vector(5, 6))).gradient().get(0);
            assertTrue(g.valueEquals(Tensor.vector(2, 2)), g.toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> replay.value(b));
            assertTrue(e.getMessage().contains("not part of the recorded computation"), e.getMessage());
        }
    }

    @Test
    void anomaly_mode_checks_a_replay_as_it_checks_the_tape() {
        Tensor x = Tensor.vector(1, 2);
        Tensor logx;
        Replay replay;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            logx = x.log();
            replay = tape.replay(logx.sum(), List.of(x), List.of());
        }
        Tensor zero = Tensor.vector(1, 0);
        // off: log(0) = -infinity goes through, as on the tape
        assertEquals(Double.NEGATIVE_INFINITY, replay.start(List.of(zero)).value(logx).get(1), 0);
        try (AnomalyMode on = AnomalyMode.enable()) {
            NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                    () -> replay.start(List.of(zero)).gradient());
            assertEquals("log", e.op());
            assertTrue(!e.inBackward() && e.getMessage().contains("replayed forward"), e.getMessage());
        }
        assertEquals(0.5, replay.start(List.of(Tensor.vector(2, 4))).gradient().get(0).get(0), 0);

        Replay root; // sqrt at 0 is finite, its derivative is not: caught in backward
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            root = tape.replay(x.sqrt().sum(), List.of(x), List.of());
        }
        try (AnomalyMode on = AnomalyMode.enable()) {
            NonFiniteValueException e = assertThrows(NonFiniteValueException.class,
                    () -> root.start(List.of(zero)).gradient());
            assertEquals("sqrt", e.op());
            assertTrue(e.inBackward(), e.getMessage());
        }
    }
}
