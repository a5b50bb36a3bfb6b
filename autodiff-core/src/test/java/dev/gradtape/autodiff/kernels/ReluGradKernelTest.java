package dev.gradtape.autodiff.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradtape.testing.EdgeBits;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * reluGrad selects on bits; it must be exactly the selection {@code x > 0 || x is NaN ? g : +0.0}
 * for every x, the edges included: both zeros, subnormals, infinities and NaNs of either sign.
 */
class ReluGradKernelTest {
    private static final double[] X = EdgeBits.values();
    private static final double[] G = EdgeBits.partners();

    private static double selection(double g, double x) {
        return x > 0 || x != x ? g : 0.0;
    }

    @Test
    void every_edge_value_is_the_selection_to_the_bit() {
        for (double x : X) {
            for (double g : G) {
                double[] r = new double[1];
                Unary.reluGrad(new double[] {g}, new double[] {x}, r);
                assertEquals(Double.doubleToRawLongBits(selection(g, x)), Double.doubleToRawLongBits(r[0]),
                        "reluGrad(g=" + g + ", x=" + x + " [bits " + Long.toHexString(Double.doubleToRawLongBits(x))
                                + "])");
            }
        }
    }

    @Test
    void random_bit_patterns_are_the_selection_to_the_bit() {
        SplittableRandom rng = new SplittableRandom(7);
        int n = 100_000;
        double[] g = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Double.longBitsToDouble(rng.nextLong());
            x[i] = i % 2 == 0 ? Double.longBitsToDouble(rng.nextLong()) : rng.nextDouble() - 0.5;
        }
        double[] r = new double[n];
        Unary.reluGrad(g, x, r);
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(selection(g[i], x[i])), Double.doubleToRawLongBits(r[i]),
                    "element " + i + ": g=" + g[i] + ", x=" + x[i]);
        }
    }
}
