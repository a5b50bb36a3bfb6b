package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.testing.TensorAssertions.assertThrowsWithMessage;

import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Misuse of {@link Replay} and {@link GradientTape#replay} fails at once with a message that
 * names the operation and the problem, never with a wrong result.
 */
class ReplayErrorsTest {
    private final Tensor w = Tensor.vector(1, 2, 3);
    private final Tensor obs = Tensor.vector(4, 5, 6);
    private Tensor scaled;
    private Tensor loss;
    private Replay replay;

    /** loss = sum(2 w * obs), with w a source and obs an input. */
    @BeforeEach
    void record() {
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(obs);
            scaled = w.mul(2.0);
            loss = scaled.mul(obs).sum();
            replay = tape.replay(loss, List.of(w), List.of(obs));
        }
    }

    // ------------------------------------------------------------ runs

    @Test
    void set_of_an_input_after_a_step_reading_it_ran_in_this_run() {
        replay.start(List.of(w));
        replay.item(loss); // runs mul(scaled, obs)
        assertThrowsWithMessage(IllegalStateException.class, () -> replay.set(obs, Tensor.vector(0, 0, 0)),
                "Replay.set", "already executed", "mul", "reads this input");
        assertThrowsWithMessage(IllegalStateException.class, () -> replay.set(obs, Tensor.ones(3)),
                "already executed");
    }

    @Test
    void set_after_reading_a_value_that_does_not_depend_on_the_input_is_fine() {
        replay.start(List.of(w));
        replay.value(scaled); // runs mul(w, 2) only
        replay.set(obs, Tensor.vector(1, 1, 1));
        org.junit.jupiter.api.Assertions.assertEquals(12.0, replay.item(loss));
    }

    @Test
    void start_with_the_wrong_number_of_source_values() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.start(List.of(w, w)),
                "Replay.start", "2 source values for 1 recorded sources");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.start(List.of()),
                "Replay.start", "0 source values");
    }

    @Test
    void start_with_a_source_of_the_wrong_shape() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.start(List.of(Tensor.ones(4))),
                "Replay.start", "source 0 has shape (4,)", "recorded with shape (3,)");
    }

    @Test
    void set_with_a_value_of_the_wrong_shape() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.set(obs, Tensor.ones(3, 1)),
                "Replay.set", "shape (3, 1)", "recorded with shape (3,)");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.set(obs, 1.0),
                "Replay.set", "(3,)", "a number can set only an input of one element");
    }

    @Test
    void set_of_a_tensor_that_is_not_an_input() {
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.set(Tensor.ones(3), Tensor.ones(3)),
                "Replay.set", "not one of the inputs");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.set(w, Tensor.ones(3)),
                "Replay.set", "it is a source: pass its value to start");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.set(scaled, Tensor.ones(3)),
                "Replay.set", "not one of the inputs");
    }

    @Test
    void item_of_a_tensor_of_more_than_one_element() {
        replay.start(List.of(w));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.item(scaled),
                "Replay.item", "shape (3,)", "item needs one element");
    }

    @Test
    void value_of_a_tensor_not_in_the_recorded_computation() {
        replay.start(List.of(w));
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.value(Tensor.ones(2)),
                "Replay.value", "not part of the recorded computation");
        assertThrowsWithMessage(IllegalArgumentException.class, () -> replay.item(Tensor.scalar(1)),
                "Replay.item", "not part of the recorded computation");
    }

    @Test
    void reading_or_taking_the_gradient_before_any_start() {
        assertThrowsWithMessage(IllegalStateException.class, () -> replay.gradient(),
                "Replay.gradient", "no run is open", "start");
        assertThrowsWithMessage(IllegalStateException.class, () -> replay.item(loss),
                "Replay.item", "no run has been started");
    }

    @Test
    void a_second_gradient_without_a_new_start() {
        replay.start(List.of(w)).gradient();
        assertThrowsWithMessage(IllegalStateException.class, () -> replay.gradient(),
                "Replay.gradient", "no run is open");
    }

    // ------------------------------------------------------------ compiling

    @Test
    void replay_after_gradient_freed_the_record_of_a_tape_that_is_not_persistent() {
        Tensor x = Tensor.vector(1, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.square().sum();
            tape.gradient(y, x);
            assertThrowsWithMessage(IllegalStateException.class, () -> tape.replay(y, List.of(x), List.of()),
                    "GradientTape.replay", "freed by gradient()", "persistent");
        }
    }

    @Test
    void replay_on_a_closed_tape() {
        Tensor x = Tensor.vector(1, 2);
        GradientTape tape = new GradientTape();
        tape.watch(x);
        Tensor y = x.square().sum();
        tape.close();
        assertThrowsWithMessage(IllegalStateException.class, () -> tape.replay(y, List.of(x), List.of()),
                "GradientTape.replay", "closed");
    }

    @Test
    void a_source_or_input_that_was_not_watched() {
        Tensor x = Tensor.vector(1, 2);
        Tensor other = Tensor.vector(3, 4);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.mul(other).sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(other), List.of()),
                    "GradientTape.replay", "source 0", "not watched");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(x), List.of(other)),
                    "GradientTape.replay", "input 0", "not watched");
        }
    }

    @Test
    void a_watched_leaf_used_by_the_graph_but_neither_source_nor_input() {
        Tensor x = Tensor.vector(1, 2);
        Tensor forgotten = Tensor.vector(3, 4);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(forgotten);
            Tensor y = x.mul(forgotten).sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(x), List.of()),
                    "GradientTape.replay", "input 1 of mul", "neither a source nor an input");
        }
    }

    @Test
    void a_target_of_more_than_one_element() {
        Tensor x = Tensor.vector(1, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.square();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(x), List.of()),
                    "GradientTape.replay", "target has shape (2,)", "one element");
        }
    }

    @Test
    void a_target_the_tape_did_not_compute() {
        Tensor x = Tensor.scalar(1);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            x.square();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(x, List.of(x), List.of()),
                    "GradientTape.replay", "not computed by an operation this tape recorded");
            assertThrowsWithMessage(IllegalArgumentException.class,
                    () -> tape.replay(Tensor.scalar(2), List.of(x), List.of()),
                    "not computed by an operation this tape recorded");
        }
    }

    @Test
    void a_source_that_is_the_output_of_a_recorded_operation() {
        Tensor x = Tensor.vector(1, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor h = x.mul(2.0);
            Tensor y = h.square().sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(h), List.of(x)),
                    "GradientTape.replay", "is the output of the recorded mul", "must be leaves");
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(x), List.of(h)),
                    "is the output of the recorded mul");
        }
    }

    @Test
    void a_tensor_named_both_as_source_and_input() {
        Tensor x = Tensor.vector(1, 2);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.square().sum();
            assertThrowsWithMessage(IllegalArgumentException.class, () -> tape.replay(y, List.of(x), List.of(x)),
                    "GradientTape.replay", "input 0", "also a source or listed twice");
        }
    }
}
