package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Code run inside {@link GradientTape#noRecording()} leaves nothing on the tape. */
class NoRecordingTest {
    @Test
    void operations_inside_the_scope_are_not_recorded_and_give_no_gradient() {
        Tensor x = Tensor.scalar(3.0);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            Tensor y = x.square(); // recorded: dy/dx = 6
            Tensor z;
            try (NoRecording off = GradientTape.noRecording()) {
                z = x.mul(10.0); // a constant as far as the tape knows
                assertFalse(tape.isTracked(z));
            }
            Tensor w = x.mul(2.0); // recording resumed: dw/dx = 2
            assertTrue(tape.isTracked(w));
            assertEquals(2, tape.size(), "square and the resumed mul are recorded, nothing else");
            assertEquals(6.0 + 2.0, tape.gradient(y.add(z).add(w), x).item(), 0.0);
        }
    }

    @Test
    void variables_read_inside_the_scope_are_not_watched_and_scopes_nest() {
        Tensor v = Tensor.scalar(1.0);
        try (GradientTape tape = new GradientTape()) {
            try (NoRecording outer = GradientTape.noRecording()) {
                try (NoRecording inner = GradientTape.noRecording()) {
                    GradientTape.watchAccessed(v);
                }
                GradientTape.watchAccessed(v); // still inside the outer scope
            }
            assertFalse(tape.isTracked(v));
            GradientTape.watchAccessed(v);
            assertTrue(tape.isTracked(v));
        }
    }

    @Test
    void closing_a_scope_twice_resumes_only_once() {
        Tensor x = Tensor.scalar(2.0);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            NoRecording outer = GradientTape.noRecording();
            NoRecording inner = GradientTape.noRecording();
            inner.close();
            inner.close();
            assertFalse(tape.isTracked(x.exp()), "the outer scope is still open");
            outer.close();
            assertTrue(tape.isTracked(x.exp()));
        }
    }
}
