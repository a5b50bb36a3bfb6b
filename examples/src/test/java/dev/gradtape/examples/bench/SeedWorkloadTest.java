package dev.gradtape.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Workload A computes the article's game as the peers define it, reproducibly. */
class SeedWorkloadTest {
    @Test
    void reward_is_zeta_beta_over_the_clamped_distance_to_tau() {
        assertEquals(1.0, SeedWorkload.reward(4.0));
        assertEquals(1.0, SeedWorkload.reward(4.2)); // |tau - a| < zeta is clamped to zeta
        assertEquals(0.25, SeedWorkload.reward(3.0));
        assertEquals(0.125, SeedWorkload.reward(6.0));
    }

    @Test
    void the_policy_starts_at_mu_0_sigma_1() {
        double[] p = new SeedWorkload(3).policy();
        assertEquals(0.0, p[0]);
        assertEquals(1.0, p[1], 1e-15);
    }

    @Test
    void the_same_seed_gives_bit_identical_runs_and_another_seed_differs() {
        SeedWorkload.Run a = SeedWorkload.run(300, 7);
        SeedWorkload.Run b = SeedWorkload.run(300, 7);
        SeedWorkload.Run c = SeedWorkload.run(300, 8);
        assertEquals(a.mu(), b.mu());
        assertEquals(a.sigma(), b.sigma());
        assertEquals(a.rewardTail(), b.rewardTail());
        assertNotEquals(a.mu(), c.mu());
    }

    @Test
    void the_replayed_episode_gives_the_eager_tape_s_numbers_bit_for_bit() {
        for (long seed : new long[] {0, 7, 11}) {
            SeedWorkload eager = new SeedWorkload(seed, SeedWorkload.Engine.EAGER);
            SeedWorkload replay = new SeedWorkload(seed, SeedWorkload.Engine.COMPILED);
            for (int ep = 0; ep < 1500; ep++) {
                assertEquals(eager.episode(), replay.episode(), "reward of episode " + ep);
            }
            assertArrayEquals(eager.policy(), replay.policy(), "seed " + seed);
        }
    }

    @Test
    void the_actor_learns_to_aim_at_tau() {
        // The optimum is a = tau = 4 with a small sigma; mu starts at 0.
        SeedWorkload.Run r = SeedWorkload.run(4000, 0);
        assertTrue(r.mu() > 1.5, "mu after 4000 episodes: " + r.mu());
        assertTrue(r.episodes() == 4000 && r.ups() > 0);
    }
}
