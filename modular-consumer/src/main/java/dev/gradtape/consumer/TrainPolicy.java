package dev.gradtape.consumer;

import dev.gradtape.autodiff.*;
import dev.gradtape.nn.*;
import dev.gradtape.rl.*;

/**
 * Trains the article's Gaussian policy on the target game for a few hundred episodes and prints
 * where each of gradtape's packages came from. The wildcard imports of all three packages
 * compile next to {@link Module} ({@code java.lang.Module}): nn's layer interface is
 * {@link Layer}.
 */
public final class TrainPolicy {
    private TrainPolicy() {
    }

    /**
     * What a run reports: the modules that supplied the three packages, the matrix path, and the
     * policy's mean action and the evaluated return before and after training.
     *
     * @param modules the module names of Tensor, Layer and Reinforce, and of this class
     * @param matmulPath "plain" or "vector"
     * @param returnBefore the mean return of the untrained policy's mean action
     * @param returnAfter the same after training
     * @param episodes the episodes trained
     */
    public record Report(String modules, String matmulPath, double returnBefore, double returnAfter,
            long episodes) {
    }

    /**
     * Trains a fresh article policy.
     *
     * @param seed the seed of the policy and of the episodes
     * @param episodes how many episodes to train
     * @return what the run saw
     */
    public static Report train(long seed, long episodes) {
        Module[] modules = {Tensor.class.getModule(), Layer.class.getModule(), Reinforce.class.getModule(),
            TrainPolicy.class.getModule()};
        StringBuilder names = new StringBuilder();
        for (Module m : modules) {
            names.append(names.length() == 0 ? "" : " ").append(m.isNamed() ? m.getName() : "unnamed");
        }
        GaussianPolicy policy = GaussianPolicy.article(seed);
        Reinforce reinforce = new Reinforce(policy, TargetGame::new,
                ReinforceSettings.article().optSeed(seed).build());
        long[] evaluation = {1, 2, 3, 4, 5, 6, 7, 8};
        double before = reinforce.evaluate(evaluation);
        reinforce.train(episodes, null);
        double after = reinforce.evaluate(evaluation);
        return new Report(names.toString(), ComputeSettings.current().matmulPath(), before, after, reinforce.episodes());
    }

    /**
     * Prints one run's report.
     *
     * @param args optionally the number of episodes (default 2000)
     */
    public static void main(String[] args) {
        long episodes = args.length > 0 ? Long.parseLong(args[0]) : 2000;
        Report r = train(42, episodes);
        System.out.println("modules=" + r.modules());
        System.out.println("matmul=" + r.matmulPath());
        System.out.printf(java.util.Locale.ROOT, "episodes=%d return before=%.4f after=%.4f%n", r.episodes(),
                r.returnBefore(), r.returnAfter());
    }
}
