package dev.gradtape.rl;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Initializer;
import java.util.random.RandomGenerator;

/**
 * Orthogonal initialisation (Saxe et al., 2014), the default of most policy-gradient code
 * (Spinning Up, CleanRL, Stable-Baselines3): a kernel of shape (in, out) whose columns (when
 * {@code in >= out}) or rows (when {@code in < out}) are orthonormal, times a gain; sqrt(2) for ReLU layers and
 * a small gain such as 0.01 for a policy's mean head, so that the first actions are near 0.
 *
 * <p>Drawn as the Q factor of a standard normal matrix of shape (max, min), by modified
 * Gram-Schmidt; Gram-Schmidt gives the QR decomposition with a positive diagonal of R, so Q is
 * uniformly (Haar) distributed. Every draw comes from the generator handed in.
 */
public final class OrthogonalInitializer implements Initializer {
    private final double gain;

    /**
     * An orthogonal initialiser.
     *
     * @param gain the scale, finite and > 0
     */
    public OrthogonalInitializer(double gain) {
        if (!(gain > 0) || !Double.isFinite(gain)) {
            throw new IllegalArgumentException("OrthogonalInitializer: gain " + gain
                    + " is invalid; need a finite gain > 0");
        }
        this.gain = gain;
    }

    @Override
    public Tensor initialize(Shape shape, int fanIn, int fanOut, RandomGenerator rng) {
        if (shape.rank() != 2) {
            throw new IllegalArgumentException("OrthogonalInitializer: shape " + shape
                    + " is not a matrix; orthogonal initialisation needs a rank-2 kernel (in, out)");
        }
        int in = shape.dim(0);
        int out = shape.dim(1);
        int rows = Math.max(in, out);
        int cols = Math.min(in, out);
        double[][] q = new double[cols][rows]; // q[j] is column j of a (rows x cols) matrix
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                q[j][i] = rng.nextGaussian();
            }
        }
        for (int j = 0; j < cols; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) dot += q[j][i] * q[k][i];
                for (int i = 0; i < rows; i++) q[j][i] -= dot * q[k][i];
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) norm += q[j][i] * q[j][i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) q[j][i] /= norm;
        }
        double[] kernel = new double[in * out];
        for (int r = 0; r < in; r++) {
            for (int c = 0; c < out; c++) {
                // in >= out: kernel = Q (in x out); in < out: kernel = Q^T (in x out)
                kernel[r * out + c] = gain * (in >= out ? q[c][r] : q[r][c]);
            }
        }
        return Tensor.of(kernel, in, out);
    }

    @Override
    public String toString() {
        return "orthogonal(gain=" + gain + ")";
    }
}
