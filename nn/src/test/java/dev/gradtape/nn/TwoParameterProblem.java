package dev.gradtape.nn;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import java.util.List;

/**
 * The two-parameter problem the optimiser trajectories are checked on:
 * L(a, b) = (a b - 1)^2 + a^2 / 2, with dL/da = 2 (a b - 1) b + a and dL/db = 2 (a b - 1) a.
 * The optimiser under test gets its gradients from the tape; the reference uses the formulas.
 */
final class TwoParameterProblem {
    static final double A0 = 0.7;
    static final double B0 = -1.3;

    final Parameter a = new Parameter("a", Tensor.scalar(A0));
    final Parameter b = new Parameter("b", Tensor.scalar(B0));

    /** One tape step with {@code opt}. */
    void step(Optimizer opt) {
        List<Parameter> params = List.of(a, b);
        try (GradientTape tape = new GradientTape()) {
            Tensor ab = a.value().mul(b.value());
            Tensor loss = ab.sub(1).square().add(a.value().square().mul(0.5));
            opt.apply(params, tape.gradient(loss, Parameter.values(params)));
        }
    }

    static double gradA(double a, double b) {
        return 2 * (a * b - 1) * b + a;
    }

    static double gradB(double a, double b) {
        return 2 * (a * b - 1) * a;
    }
}
