package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import dev.gradtape.nn.Softplus;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Workload A, the article's one-shot REINFORCE game, exactly as the peers define it: state
 * [[1.0]]; Dense(1 -> 5, ReLU) -> Dense(5 -> 5, ReLU) with He-normal kernels and zero biases;
 * a linear mu head and a softplus sigma head with zero kernels, mu bias 0 and sigma bias
 * ln(e - 1), so that sigma starts at 1. Each episode samples a = mu + sigma xi (a constant for
 * the gradient), scores it with R = zeta beta / max(zeta, |tau - a|), tau = 4, zeta = 0.25,
 * beta = 1, and takes one Adam step (lr 1e-3, betas 0.9 / 0.999, eps 1e-7) on
 * loss = -R log(pdf(a; mu, sigma) + 1e-5), with one forward pass per episode.
 *
 * <p>Two engines run it. {@link Engine#EAGER} records a new tape every episode, the way the
 * article's three lines read. {@link Engine#REPLAY} records the episode once, compiles it with
 * its backward pass ({@link CompiledStep}) and re-runs it: the action and the reward are the
 * step's inputs, the parameters its variables, and an episode allocates nothing. The recording happens when the workload is built,
 * like a graph-mode framework's graph. Both engines give the same numbers, bit for bit.
 *
 * <p>Everything random comes from one {@link SplittableRandom} seeded by the caller.
 */
public final class SeedWorkload {
    static final double TAU = 4.0;
    static final double ZETA = 0.25;
    static final double BETA = 1.0;
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);

    private final SplittableRandom rng;
    private final Sequential trunk;
    private final Dense muHead;
    private final Dense sigmaHead;
    private final Softplus softplus = new Softplus();
    private final List<Parameter> params;
    private final Adam adam;
    private final Tensor state = Tensor.of(new double[] {1.0}, 1, 1);
    private final Engine engine;
    // the replay's recorded tensors (null for the eager engine)
    private CompiledStep replay;
    private Tensor muRecorded;
    private Tensor sigmaRecorded;
    private final Tensor actionInput = Tensor.scalar(0.0);
    private final Tensor rewardInput = Tensor.scalar(0.0);

    /** How an episode's gradient is computed. */
    public enum Engine {
        /** A new gradient tape every episode. */
        EAGER,
        /** The episode recorded once, compiled, then re-run. */
        COMPILED
    }

    /** A fresh actor and optimiser, initialised from {@code seed}, run on the eager engine. */
    public SeedWorkload(long seed) {
        this(seed, Engine.EAGER);
    }

    /** A fresh actor and optimiser, initialised from {@code seed}, run on {@code engine}. */
    public SeedWorkload(long seed, Engine engine) {
        this.engine = engine;
        rng = new SplittableRandom(seed);
        trunk = new Sequential(
                new Dense(1, 5, Initializers.heNormal(), Initializers.zeros(), rng), new ReLU(),
                new Dense(5, 5, Initializers.heNormal(), Initializers.zeros(), rng), new ReLU());
        muHead = new Dense(5, 1, Initializers.zeros(), Initializers.zeros(), rng);
        sigmaHead = new Dense(5, 1, Initializers.zeros(),
                Initializers.constant(Math.log(Math.E - 1.0)), rng);
        params = new ArrayList<>(trunk.parameters());
        params.addAll(muHead.parameters().stream().map(p -> p.prefixed("mu")).toList());
        params.addAll(sigmaHead.parameters().stream().map(p -> p.prefixed("sigma")).toList());
        adam = Adam.builder().learningRate(1e-3).beta1(0.9).beta2(0.999).epsilon(1e-7).build();
        if (engine == Engine.COMPILED) {
            // Recording and compiling is building the graph: done here, before any timing, as
            // the graph-mode peer (TensorFlow Java) builds its graph before its timer starts. It
            // draws nothing from the generator and changes no parameter.
            record();
        }
    }

    /** The reward of action {@code a}: zeta beta / max(zeta, |tau - a|), at most beta. */
    static double reward(double a) {
        return ZETA * BETA / Math.max(ZETA, Math.abs(TAU - a));
    }

    /** The article's loss, -R log(pdf(a; mu, sigma) + 1e-5), with a and R as tensors. */
    private static Tensor loss(Tensor mu, Tensor sigma, Tensor a, Tensor r) {
        Tensor z = mu.neg().add(a).div(sigma);
        Tensor pdf = z.square().mul(-0.5).exp().div(sigma.mul(SQRT_2PI));
        return pdf.add(1e-5).log().mul(r).neg().sum();
    }

    /** Runs one episode (forward, sample, loss, backward, Adam step) and returns its reward. */
    public double episode() {
        return engine == Engine.EAGER ? eagerEpisode() : replayEpisode();
    }

    private double replayEpisode() {
        replay.start();                      // reads the parameters' current values
        double a = replay.item(muRecorded) + replay.item(sigmaRecorded) * rng.nextGaussian();
        double r = reward(a);
        replay.set(actionInput, a).set(rewardInput, r);
        replay.run();                        // the rest of the forward pass, and the backward
        adam.apply(params, replay.gradients()); // views of the step's buffers: no copy
        return r;
    }

    /** Records one episode's computation, with example action and reward, and compiles it. */
    private void record() {
        try (GradientTape tape = new GradientTape()) {
            tape.watch(actionInput);
            tape.watch(rewardInput);
            Tensor h = trunk.forward(state);
            muRecorded = muHead.forward(h);
            sigmaRecorded = softplus.forward(sigmaHead.forward(h));
            Tensor loss = loss(muRecorded, sigmaRecorded, actionInput, rewardInput);
            replay = tape.compile(loss, Parameter.variables(params), List.of(actionInput, rewardInput));
        }
    }

    private double eagerEpisode() {
        try (GradientTape tape = new GradientTape()) {
            Tensor h = trunk.forward(state);
            Tensor mu = muHead.forward(h);
            Tensor sigma = softplus.forward(sigmaHead.forward(h));
            double a = mu.item() + sigma.item() * rng.nextGaussian();
            double r = reward(a);
            // pdf(a; mu, sigma) = exp(-((a - mu) / sigma)^2 / 2) / (sigma sqrt(2 pi))
            Tensor z = mu.neg().add(a).div(sigma);
            Tensor pdf = z.square().mul(-0.5).exp().div(sigma.mul(SQRT_2PI));
            Tensor loss = pdf.add(1e-5).log().mul(-r).sum();
            List<Tensor> grads = tape.gradient(loss, Parameter.values(params));
            adam.apply(params, grads);
            return r;
        }
    }

    /** The current mean and standard deviation of the policy at the state [[1.0]]. */
    public double[] policy() {
        Tensor h = trunk.forward(state);
        return new double[] {muHead.forward(h).item(), softplus.forward(sigmaHead.forward(h)).item()};
    }

    /** The outcome of a timed run: seconds, final mu and sigma, mean reward of the last 1000 episodes. */
    public record Run(int episodes, double seconds, double mu, double sigma, double rewardTail) {
        /** Updates per second. */
        public double ups() {
            return episodes / seconds;
        }
    }

    /** Builds a fresh workload from {@code seed} and times {@code episodes} eager episodes. */
    public static Run run(int episodes, long seed) {
        return run(episodes, seed, Engine.EAGER);
    }

    /** Builds a fresh workload from {@code seed} and times {@code episodes} episodes on {@code engine}. */
    public static Run run(int episodes, long seed, Engine engine) {
        SeedWorkload w = new SeedWorkload(seed, engine);
        int tailFrom = episodes - Math.min(1000, episodes);
        double tail = 0;
        long t0 = System.nanoTime();
        for (int ep = 0; ep < episodes; ep++) {
            double r = w.episode();
            if (ep >= tailFrom) {
                tail += r;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double[] p = w.policy();
        return new Run(episodes, seconds, p[0], p[1], tail / Math.max(1, episodes - tailFrom));
    }
}
