package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradtape.autodiff.Tensor;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** A rollout's compiled sampler draws the same actions, to the bit, as the eager sample. */
class CompiledSamplerTest {
    private static void assertSameActions(GaussianPolicy policy, int rows, long seed) {
        SplittableRandom data = new SplittableRandom(seed);
        double[] x = new double[rows * policy.observationSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = data.nextDouble(-3, 3);
        }
        EpisodeBatch.Sampler sampler = new EpisodeBatch.Sampler(policy, rows);
        for (int step = 0; step < 3; step++) { // the compiled step re-runs on new values
            RandomGenerator[] a = new RandomGenerator[rows];
            RandomGenerator[] b = new RandomGenerator[rows];
            for (int i = 0; i < rows; i++) {
                a[i] = new SplittableRandom(seed * 31 + step * 7 + i);
                b[i] = new SplittableRandom(seed * 31 + step * 7 + i);
            }
            double[] eager = policy.sample(Tensor.of(x, rows, policy.observationSize()), a).toArray();
            double[] compiled = sampler.sample(x, b);
            assertEquals(eager.length, compiled.length);
            for (int i = 0; i < eager.length; i++) {
                assertEquals(Double.doubleToRawLongBits(eager[i]), Double.doubleToRawLongBits(compiled[i]),
                        "step " + step + ", element " + i + ": eager " + eager[i] + ", compiled " + compiled[i]);
            }
            x[0] += 0.25;
        }
    }

    @Test
    void pendulum_policy_with_a_log_std() {
        assertSameActions(PendulumRecipe.policy(3), 16, 1);
        assertSameActions(PendulumRecipe.policy(4), 5, 2);
    }

    @Test
    void article_policy_with_a_softplus_sigma_head() {
        assertSameActions(GaussianPolicy.article(42), 7, 3);
    }
}
