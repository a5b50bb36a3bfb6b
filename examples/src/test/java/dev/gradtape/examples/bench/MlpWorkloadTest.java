package dev.gradtape.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.ComputeSettings;
import org.junit.jupiter.api.Test;

/** Workload B: the peers' FLOP count, a loss that falls, and results independent of threads. */
class MlpWorkloadTest {
    @Test
    void flop_count_is_the_peers_128_97_mflop() {
        assertEquals(3.0 * 2 * 256 * (64 * 256 + 256 * 256 + 256 * 8), MlpWorkload.FLOP_PER_STEP);
        assertEquals(128.97e6, MlpWorkload.FLOP_PER_STEP, 0.01e6);
    }

    @Test
    void adam_steps_lower_the_loss() {
        MlpWorkload w = new MlpWorkload(1);
        double first = w.step();
        double last = first;
        for (int i = 0; i < 10; i++) {
            last = w.step();
        }
        assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    }

    @Test
    void losses_are_bit_identical_for_any_thread_count() {
        double[] losses = new double[3];
        for (int t = 1; t <= 3; t++) {
            try (ComputeSettings.Scope s = ComputeSettings.current().withThreads(t).apply()) {
                MlpWorkload w = new MlpWorkload(5);
                for (int i = 0; i < 3; i++) {
                    losses[t - 1] = w.step();
                }
            }
        }
        assertEquals(Double.doubleToLongBits(losses[0]), Double.doubleToLongBits(losses[1]));
        assertEquals(Double.doubleToLongBits(losses[0]), Double.doubleToLongBits(losses[2]));
    }
}
