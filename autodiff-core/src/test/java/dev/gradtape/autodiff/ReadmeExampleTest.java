package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The README's "first taste" snippet, so that it keeps compiling and stays true. */
class ReadmeExampleTest {
    @Test
    void first_taste_of_the_tape() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor w = Tensor.randn(42, 2, 3);
        Tensor dw;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            Tensor loss = x.matmul(w).tanh().square().sum();
            dw = tape.gradient(loss, w);
        }
        GradCheck.defaults().assertGradients(in -> x.matmul(in.get(0)).tanh().square().sum(), w);

        assertEquals(w.shape(), dw.shape());
        // d/dw sum(tanh(xw)^2) = x^T (2 tanh(xw) (1 - tanh(xw)^2)), written out with raw loops
        double[] xs = x.toArray();
        double[] ws = w.toArray();
        double[] expected = new double[6];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                double z = xs[2 * i] * ws[j] + xs[2 * i + 1] * ws[3 + j];
                double t = Math.tanh(z);
                double dz = 2 * t * (1 - t * t);
                expected[j] += xs[2 * i] * dz;
                expected[3 + j] += xs[2 * i + 1] * dz;
            }
        }
        assertTrue(dw.allClose(Tensor.of(expected, 2, 3), 1e-12, 1e-12), dw.toString());
    }
}
