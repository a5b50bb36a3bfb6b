package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Workload B, a dense MLP as the peers define it: 64 -> 256 -> 256 -> 8 with ReLU on the hidden
 * layers, a fixed random batch of 256 inputs, loss = sum(out^2), and per step one forward pass,
 * one backward pass and one Adam step (lr 1e-3), all in double precision.
 *
 * <p>FLOPs per step follow the peers' count: each matrix product of a layer costs
 * 2 batch in out, and forward plus the two backward products make three, so
 * 3 x 2 x 256 x (64 x 256 + 256 x 256 + 256 x 8) = 128,974,848.
 */
public final class MlpWorkload {
    /** The batch size. */
    static final int BATCH = 256;
    /** The layer widths. */
    static final int[] SIZES = {64, 256, 256, 8};
    /** Floating-point operations per step, the peers' count. */
    public static final double FLOP_PER_STEP = flopPerStep();

    private final Sequential model;
    private final List<Parameter> params;
    private final Adam adam = new Adam(1e-3);
    private final Tensor x;

    /** A fresh model (Keras' Glorot-uniform kernels, zero biases) and batch, from {@code seed}. */
    public MlpWorkload(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        model = new Sequential(new Dense(SIZES[0], SIZES[1], rng), new ReLU(),
                new Dense(SIZES[1], SIZES[2], rng), new ReLU(), new Dense(SIZES[2], SIZES[3], rng));
        params = model.parameters();
        x = Tensor.randn(rng, BATCH, SIZES[0]);
    }

    private static double flopPerStep() {
        double macs = 0;
        for (int l = 0; l + 1 < SIZES.length; l++) {
            macs += (double) SIZES[l] * SIZES[l + 1];
        }
        return 3 * 2 * BATCH * macs;
    }

    /** One forward, backward and Adam step; returns the loss before the update. */
    public double step() {
        try (GradientTape tape = new GradientTape()) {
            Tensor out = model.forward(x);
            Tensor loss = out.square().sum();
            adam.apply(params, tape.gradient(loss, Parameter.values(params)));
            return loss.item();
        }
    }

    /** The outcome of a timed run. */
    public record Run(int steps, double seconds, double loss) {
        /** Steps per second. */
        public double sps() {
            return steps / seconds;
        }

        /** Billions of floating-point operations per second, by the peers' count. */
        public double gflops() {
            return sps() * FLOP_PER_STEP / 1e9;
        }
    }

    /** A fresh workload from {@code seed}: {@code warmup} untimed steps, then {@code steps} timed. */
    public static Run run(int steps, int warmup, long seed) {
        MlpWorkload w = new MlpWorkload(seed);
        for (int i = 0; i < warmup; i++) {
            w.step();
        }
        double loss = Double.NaN;
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            loss = w.step();
        }
        return new Run(steps, (System.nanoTime() - t0) / 1e9, loss);
    }
}
