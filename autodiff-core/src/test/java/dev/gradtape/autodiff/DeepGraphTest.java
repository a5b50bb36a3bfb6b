package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Backward is a plain loop over the record, so graph depth is limited by memory, not by the
 * thread stack: these chains would overflow a recursive topological sort. They run on the
 * default stack of the test thread.
 */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class DeepGraphTest {
    @Test
    void a_chain_of_a_million_scalar_ops_gets_its_gradient() {
        // x_{i+1} = x_i * c + d, 500,000 times (1,000,000 ops). With c = 1: y = x + n d, dy/dx = 1;
        // with c slightly below 1 the derivative c^n is checked against its closed form.
        int n = 500_000;
        double c = 1 - 1e-6;
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(1.5));
            Tensor cT = Tensor.scalar(c);
            Tensor dT = Tensor.scalar(0.25);
            Tensor y = x;
            for (int i = 0; i < n; i++) {
                y = y.mul(cT).add(dT);
            }
            assertEquals(2 * n, tape.size());
            double expected = Math.pow(c, n); // e^{-0.5} approximately
            assertEquals(expected, tape.gradient(y, x).item(), 1e-9);
        }
    }

    @Test
    void a_chain_of_a_hundred_thousand_value_ops_gets_its_gradient() {
        // Value ops share the tensor tape; fewer of them because each also stores a Value node
        int n = 50_000;
        try (GradientTape tape = new GradientTape()) {
            Value x = Value.of(0.5, "x");
            Value y = x;
            for (int i = 0; i < n; i++) {
                y = y.add(x).mul(0.5); // y_{i+1} = (y_i + x) / 2, so y stays x and dy/dx = 1
            }
            assertEquals(2 * n, tape.size()); // an add and a mul per step
            y.backward();
            assertEquals(0.5, y.data(), 1e-12);
            assertEquals(1.0, x.grad(), 1e-9);
        }
    }

    @Test
    void a_chain_of_a_hundred_thousand_tensor_ops_gets_its_gradient() {
        int n = 100_000;
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.vector(1, 2, 3));
            Tensor y = x;
            for (int i = 0; i < n; i++) {
                y = i % 2 == 0 ? y.mul(Tensor.vector(1, -1, 2)) : y.mul(Tensor.vector(1, -1, 0.5));
            }
            // every pair of steps multiplies by (1, 1, 1): y = x, so the gradient of sum(y) is ones
            Tensor loss = y.sum();
            assertEquals(n + 1, tape.size());
            Tensor g = tape.gradient(loss, x);
            assertEquals(1.0, g.get(0), 0);
            assertEquals(1.0, g.get(1), 0);
            assertEquals(1.0, g.get(2), 0);
        }
    }
}
