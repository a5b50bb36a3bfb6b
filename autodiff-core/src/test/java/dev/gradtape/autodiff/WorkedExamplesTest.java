package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Small examples whose gradients can be checked on paper. */
@SuppressWarnings("try") // scopes (tapes, anomaly mode) act through thread state, unreferenced
class WorkedExamplesTest {
    @Test
    void micrograd_readme_example() {
        // micrograd's README expression; gradients from its README (PyTorch agrees).
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(-4.0, "a");
            Value b = Value.of(2.0, "b");
            Value c = a.add(b);
            Value d = a.mul(b).add(b.pow(3));
            c = c.add(c.add(1));
            c = c.add(c.add(1).add(a.neg()));
            d = d.add(d.mul(2).add(b.add(a).relu()));
            d = d.add(d.mul(3).add(b.sub(a).relu()));
            Value e = c.sub(d);
            Value f = e.pow(2);
            Value g = f.div(Value.of(2.0));
            g = g.add(Value.of(10.0).div(f));
            g.backward();
            assertEquals(24.70408163265306, g.data(), 1e-12);
            assertEquals(138.83381924198252, a.grad(), 1e-10);
            assertEquals(645.5772594752186, b.grad(), 1e-10);
        }
    }

    @Test
    void tensor_linear_layer_by_hand() {
        Tensor x = Tensor.of(new double[] {1, 2}, 1, 2);
        Tensor w = Tensor.of(new double[] {3, 4, 5, 6}, 2, 2);
        Tensor b = Tensor.vector(0.5, -0.5);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(w);
            tape.watch(b);
            // y = x w + b = [1*3 + 2*5 + 0.5, 1*4 + 2*6 - 0.5] = [13.5, 15.5]; loss = sum(y^2)
            Tensor y = x.matmul(w).add(b);
            Tensor loss = y.square().sum();
            assertEquals(13.5 * 13.5 + 15.5 * 15.5, loss.item(), 0);
            List<Tensor> g = tape.gradient(loss, List.of(w, b));
            // dL/dy = 2y = [27, 31]; dL/dw = x^T dL/dy; dL/db = dL/dy
            assertEquals(Tensor.of(new double[] {27, 31, 54, 62}, 2, 2).toString(), g.get(0).toString());
            assertEquals(Tensor.vector(27, 31).toString(), g.get(1).toString());
        }
    }
}
