package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Parameter;
import dev.gradtape.rl.GaussianLoss;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.LogDensity;
import dev.gradtape.rl.TargetGame;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The training loop shown in docs/policy-gradients-in-three-lines.md, run as written there. */
class ThreeLinesTest {
    /** The doc's loop, for {@code episodes} episodes; returns mu and sigma at the end. */
    static double[] train(int episodes) {
        GaussianPolicy policy = GaussianPolicy.article(42);     // 1 -> 5 -> 5 -> (mu, sigma)
        Adam adam = new Adam(0.001);
        TargetGame game = new TargetGame();                      // tau 4, zeta 0.25, beta 1
        Tensor state = Tensor.of(new double[] {1.0}, 1, 1);     // the one state
        SplittableRandom rng = new SplittableRandom(42);
        List<Parameter> params = policy.trainableParameters();
        double baseline = 0;
        for (int episode = 0; episode < episodes; episode++) {
            Tensor action = policy.sample(state, rng);           // a = mu + sigma * xi, a constant
            double reward = game.reward(action.item());
            try (GradientTape tape = new GradientTape()) {
                GaussianPolicy.Distribution pi = policy.distribution(state);
                Tensor loss = GaussianLoss.weighted(action, pi.mean(), pi.std(),
                        Tensor.vector(reward - baseline), LogDensity.EXACT);          // 1. record the loss
                List<Tensor> grads = tape.gradient(loss, Parameter.values(params)); // 2. get the gradients
                adam.apply(params, grads);                                          // 3. apply them
            }
            baseline += 0.01 * (reward - baseline);              // running mean of recent rewards
        }
        GaussianPolicy.Distribution pi = policy.distribution(state);
        return new double[] {pi.mean().item(), pi.std().item()};
    }

    @Test
    void theDocsLoopFindsTheTarget() {
        double[] muSigma = train(3000);
        assertEquals(4.0, muSigma[0], 0.25, "mu");
        assertTrue(muSigma[1] < 0.5, "sigma " + muSigma[1]);
    }
}
