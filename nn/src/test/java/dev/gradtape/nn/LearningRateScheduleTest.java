package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    @Test
    void linear_decay_reaches_its_end_and_stays() {
        LearningRateSchedule s = LearningRateSchedule.linearDecay(1.0, 0.2, 4);
        assertEquals(1.0, s.rate(0));
        assertEquals(0.8, s.rate(1), 1e-15);
        assertEquals(0.2, s.rate(4), 1e-15);
        assertEquals(0.2, s.rate(100), 1e-15);
    }

    @Test
    void exponential_decay() {
        LearningRateSchedule s = LearningRateSchedule.exponentialDecay(1.0, 0.5, 10);
        assertEquals(1.0, s.rate(0));
        assertEquals(0.5, s.rate(10), 1e-15);
        assertEquals(Math.sqrt(0.5), s.rate(5), 1e-15);
    }

    @Test
    void the_optimiser_follows_its_schedule() {
        Adam adam = Adam.builder().schedule(LearningRateSchedule.linearDecay(0.1, 0.0, 2)).build();
        TwoParameterProblem p = new TwoParameterProblem();
        assertEquals(0.1, adam.learningRate());
        p.step(adam);
        assertEquals(0.05, adam.learningRate(), 1e-15);
        p.step(adam);
        p.step(adam);
        assertEquals(0.0, adam.learningRate());
    }

    @Test
    void invalid_settings_name_the_valid_range() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.constant(0));
        assertTrue(e.getMessage().contains("rate is 0.0") && e.getMessage().contains("> 0"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearDecay(1, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.linearDecay(1, 0, 0));
        assertThrows(IllegalArgumentException.class,
                () -> LearningRateSchedule.exponentialDecay(1, 1.5, 5));
    }
}
