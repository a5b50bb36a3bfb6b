package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression: tapes that are never closed must not grow without bound. */
class UnclosedTapeTest {
    @Test
    void tapes_used_once_and_never_closed_are_dropped_when_the_next_opens() {
        Tensor w = Tensor.scalar(3);
        for (int i = 0; i < 10_000; i++) {
            GradientTape tape = new GradientTape(); // never closed
            Tensor y = tape.watch(w).square();
            assertEquals(6.0, tape.gradient(y, w).item());
        }
        assertTrue(TapeState.get().open.size() <= 1, "open tapes: " + TapeState.get().open.size());
        try (GradientTape tape = new GradientTape()) {
            Tensor y = tape.watch(w).mul(2.0);
            assertEquals(1, tape.size(), "the forgotten tapes recorded nothing of this");
            assertEquals(2.0, tape.gradient(y, w).item());
        }
    }

    @Test
    void too_many_open_tapes_in_one_thread_is_an_error_that_says_how_to_close_them() {
        List<GradientTape> leaked = new ArrayList<>();
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                for (int i = 0; i <= TapeState.MAX_OPEN; i++) {
                    leaked.add(GradientTape.persistent());
                }
            });
            assertTrue(e.getMessage().contains("tapes are open in thread"), e.getMessage());
            assertTrue(e.getMessage().contains("try-with-resources"), e.getMessage());
        } finally {
            leaked.forEach(GradientTape::close);
        }
        assertEquals(0, TapeState.get().open.size());
    }

    @Test
    void closing_a_tape_inside_a_no_recording_scope_keeps_the_older_tapes_paused() {
        try (GradientTape outer = new GradientTape()) {
            Tensor x = outer.watch(Tensor.scalar(2));
            GradientTape middle = new GradientTape();
            middle.watch(x);
            try (NoRecording off = GradientTape.noRecording()) {
                middle.close(); // shifts the open list below the scope's floor
                x.mul(3.0);
                assertEquals(0, outer.size(), "outer stays paused inside the scope");
            }
            x.mul(3.0);
            assertEquals(1, outer.size(), "and records again after it");
        }
    }
}
