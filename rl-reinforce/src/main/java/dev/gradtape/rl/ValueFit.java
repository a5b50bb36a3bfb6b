package dev.gradtape.rl;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.NoRecording;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Losses;
import dev.gradtape.nn.Training;
import dev.gradtape.nn.TrainingStep;
import java.util.random.RandomGenerator;

/**
 * The learned baseline of {@link Baseline.ValueNetwork}: predicting V(s) for a batch, and fitting
 * the network to the scaled Monte-Carlo returns with shuffled minibatches.
 */
final class ValueFit {
    private final Baseline.ValueNetwork spec;
    private final double[] observationScale;
    private final int maxSteps;
    /** The fitting step, compiled per minibatch shape (a full and a short one). */
    private final TrainingStep step;

    ValueFit(Baseline.ValueNetwork spec, double[] observationScale, int maxSteps) {
        this.step = Training.compile(spec.network(), Losses::meanSquaredError, spec.optimizer());
        this.spec = spec;
        this.observationScale = observationScale;
        this.maxSteps = maxSteps;
    }

    /** The network's input rows: the scaled observation, then t / maxSteps if asked for. */
    double[] inputs(EpisodeBatch b) {
        int os = b.observationSize;
        int w = width(os);
        double[] x = new double[b.rows * w];
        for (int r = 0; r < b.rows; r++) {
            for (int i = 0; i < os; i++) {
                double v = b.observations[r * os + i];
                x[r * w + i] = observationScale == null ? v : v * observationScale[i];
            }
            if (spec.timeFeature()) {
                x[r * w + os] = (double) b.time[r] / maxSteps;
            }
        }
        return x;
    }

    int width(int observationSize) {
        return observationSize + (spec.timeFeature() ? 1 : 0);
    }

    /** V(s) for every row, in return units (the network's output divided by the target scale). */
    double[] predict(double[] inputs, int rows, int width) {
        double[] v;
        try (NoRecording off = GradientTape.noRecording()) {
            v = spec.network().forward(Tensor.of(inputs, rows, width)).toArray();
        }
        if (v.length != rows) {
            throw new IllegalArgumentException("Baseline.ValueNetwork: the network returned " + v.length
                    + " values for " + rows + " rows; it must map (batch, " + width + ") to (batch, 1)");
        }
        for (int i = 0; i < rows; i++) {
            v[i] /= spec.targetScale();
        }
        return v;
    }

    /**
     * Fits the network to targetScale * returns: {@code epochs} passes, each over a fresh random
     * permutation cut into minibatches, one optimiser step per minibatch.
     *
     * @return the mean of the minibatch losses of the last epoch
     */
    double fit(double[] inputs, double[] returns, int width, RandomGenerator rng) {
        int rows = returns.length;
        int[] perm = new int[rows];
        for (int i = 0; i < rows; i++) perm[i] = i;
        double lastEpochLoss = Double.NaN;
        for (int epoch = 0; epoch < spec.epochs(); epoch++) {
            shuffle(perm, rng);
            double sum = 0;
            int count = 0;
            for (int start = 0; start < rows; start += spec.minibatchSize()) {
                int m = Math.min(spec.minibatchSize(), rows - start);
                double[] x = new double[m * width];
                double[] y = new double[m];
                for (int j = 0; j < m; j++) {
                    int r = perm[start + j];
                    System.arraycopy(inputs, r * width, x, j * width, width);
                    y[j] = returns[r] * spec.targetScale();
                }
                // Training.step(network, mse, optimizer, x, y), compiled once per minibatch shape
                sum += step.step(Tensor.of(x, m, width), Tensor.of(y, m, 1));
                count++;
            }
            lastEpochLoss = sum / count;
        }
        return lastEpochLoss;
    }

    /** Fisher-Yates, driven by the run's generator. */
    private static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
