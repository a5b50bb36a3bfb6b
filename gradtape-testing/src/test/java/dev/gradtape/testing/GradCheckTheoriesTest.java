package dev.gradtape.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Function;
import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.Node;
import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.QuickTheory;

/**
 * The glue passes correct gradients, including broadcast ones, and fails a wrong backward with
 * GradCheck's message.
 */
class GradCheckTheoriesTest {
    @Test
    void correct_gradients_pass_for_tensors_and_broadcasting_pairs() {
        GradCheckTheories.assertGradients(TensorGenerators.tensors(Domain.REAL), x -> x.tanh().mul(x).sum());
        GradCheckTheories.assertGradients(TensorGenerators.tensorPairs(Domain.REAL, Domain.NONZERO), (a, b) -> a.div(b));
        GradCheckTheories.assertSecondOrder(TensorGenerators.tensors(Domain.REAL), x -> x.mul(x).mul(x));
    }

    @Test
    void every_generated_input_reaches_the_function() {
        List<Tensor> seen = new ArrayList<>();
        GradCheckTheories.assertGradients(QuickTheory.qt().withFixedSeed(3).withExamples(25), GradCheck.defaults(),
                TensorGenerators.tensors(Domain.POSITIVE), x -> {
                    seen.add(x.detach());
                    return x.log();
                });
        // 25 examples, each evaluated at least at the input and at two probes per element
        assertTrue(seen.size() >= 3 * 25, "the function ran " + seen.size() + " times for 25 examples");
        // the probes step eps = 1e-6 off the generated values, which lie in [0.2, 3]
        assertTrue(seen.stream().flatMapToDouble(t -> java.util.Arrays.stream(t.toArray()))
                .allMatch(v -> v >= 0.2 - 1e-5 && v <= 3 + 1e-5), "a value outside Domain.POSITIVE");
    }

    @Test
    void a_wrong_backward_fails() {
        // 2x forward with the backward of 3x: GradCheck must catch it at the first example.
        Function wrong = new Function() {
            @Override
            protected Tensor forward(Tensor... in) {
                return in[0].mul(2.0);
            }

            @Override
            protected Tensor[] backward(Node node, Tensor g) {
                return new Tensor[] {g.mul(3.0)};
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> GradCheckTheories.assertGradients(
                TensorGenerators.tensors(Domain.REAL), x -> wrong.apply(x)));
        // QuickTheories' report, with GradCheck's own message as the cause
        assertTrue(String.valueOf(e.getMessage()).contains("Property falsified"), e.getMessage());
        assertTrue(String.valueOf(e.getMessage()).contains("GradCheck failed"), e.getMessage());
    }
}
