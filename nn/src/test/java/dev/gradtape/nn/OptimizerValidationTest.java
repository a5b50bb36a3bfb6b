package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every hyper-parameter out of range throws at construction, naming the setting and the range. */
class OptimizerValidationTest {
    private static void rejects(Executable build, String setting, String range) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(setting) && e.getMessage().contains(range), e.getMessage());
    }

    @Test
    void adam() {
        rejects(() -> new Adam(0), "learningRate", "(0, +inf)");
        rejects(() -> new Adam(-1e-3), "learningRate", "(0, +inf)");
        rejects(() -> new Adam(Double.NaN), "learningRate", "(0, +inf)");
        rejects(() -> Adam.builder().beta1(1.0).build(), "beta1", "[0, 1)");
        rejects(() -> Adam.builder().beta1(-0.1).build(), "beta1", "[0, 1)");
        rejects(() -> Adam.builder().beta2(1.5).build(), "beta2", "[0, 1)");
        rejects(() -> Adam.builder().epsilon(0).build(), "epsilon", "(0, +inf)");
    }

    @Test
    void sgd() {
        rejects(() -> new Sgd(0), "learningRate", "(0, +inf)");
        rejects(() -> Sgd.builder().momentum(1).build(), "momentum", "[0, 1)");
        rejects(() -> Sgd.builder().momentum(-0.5).build(), "momentum", "[0, 1)");
        rejects(() -> Sgd.builder().nesterov(true).build(), "nesterov", "momentum");
    }

    @Test
    void rmsprop() {
        rejects(() -> new RmsProp(Double.POSITIVE_INFINITY), "learningRate", "(0, +inf)");
        rejects(() -> RmsProp.builder().rho(1).build(), "rho", "[0, 1)");
        rejects(() -> RmsProp.builder().momentum(2).build(), "momentum", "[0, 1)");
        rejects(() -> RmsProp.builder().epsilon(-1).build(), "epsilon", "(0, +inf)");
    }

    @Test
    void a_schedule_that_goes_negative_stops_the_step() {
        Sgd sgd = Sgd.builder().schedule(step -> step == 0 ? 0.1 : -0.1).build();
        TwoParameterProblem p = new TwoParameterProblem();
        p.step(sgd);
        double a = p.a.value().item();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.step(sgd));
        assertTrue(e.getMessage().contains("-0.1") && e.getMessage().contains("step 1"), e.getMessage());
        assertTrue(a == p.a.value().item());
    }
}
