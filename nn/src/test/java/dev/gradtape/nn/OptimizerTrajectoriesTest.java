package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * SGD and RMSprop against their published update equations, three steps on
 * {@link TwoParameterProblem}; the expected numbers are computed here in scalar arithmetic from
 * the equations, independently of the implementation. (Adam's is in {@link AdamTest}.)
 */
class OptimizerTrajectoriesTest {
    private static final double TOL = 1e-12;

    private static void assertAt(TwoParameterProblem p, double a, double b, int t) {
        assertEquals(a, p.a.value().item(), TOL, "a after step " + t);
        assertEquals(b, p.b.value().item(), TOL, "b after step " + t);
    }

    @Test
    void plain_sgd() {
        double lr = 0.1;
        TwoParameterProblem p = new TwoParameterProblem();
        Sgd sgd = new Sgd(lr);
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        for (int t = 1; t <= 3; t++) {
            p.step(sgd);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            a -= lr * ga;
            b -= lr * gb;
            assertAt(p, a, b, t);
        }
    }

    @Test
    void sgd_with_momentum() {
        // classical momentum (Polyak): u = mu u - lr g; theta = theta + u
        double lr = 0.1;
        double mu = 0.9;
        TwoParameterProblem p = new TwoParameterProblem();
        Sgd sgd = Sgd.builder().learningRate(lr).momentum(mu).build();
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        double ua = 0;
        double ub = 0;
        for (int t = 1; t <= 3; t++) {
            p.step(sgd);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            ua = mu * ua - lr * ga;
            ub = mu * ub - lr * gb;
            a += ua;
            b += ub;
            assertAt(p, a, b, t);
        }
        assertEquals(ua, sgd.state().get("velocity/a").item(), TOL);
    }

    @Test
    void sgd_with_nesterov_momentum() {
        // Sutskever et al. (2013) in its gradient-at-current-point form:
        // u = mu u - lr g; theta = theta + mu u - lr g
        double lr = 0.05;
        double mu = 0.8;
        TwoParameterProblem p = new TwoParameterProblem();
        Sgd sgd = Sgd.builder().learningRate(lr).momentum(mu).nesterov(true).build();
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        double ua = 0;
        double ub = 0;
        for (int t = 1; t <= 3; t++) {
            p.step(sgd);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            ua = mu * ua - lr * ga;
            ub = mu * ub - lr * gb;
            a += mu * ua - lr * ga;
            b += mu * ub - lr * gb;
            assertAt(p, a, b, t);
        }
    }

    @Test
    void rmsprop() {
        // Hinton's lecture 6e: v = rho v + (1 - rho) g^2; theta -= lr g / sqrt(v + eps)
        double lr = 0.01;
        double rho = 0.9;
        double eps = 1e-6;
        TwoParameterProblem p = new TwoParameterProblem();
        RmsProp opt = RmsProp.builder().learningRate(lr).rho(rho).epsilon(eps).build();
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        double va = 0;
        double vb = 0;
        for (int t = 1; t <= 3; t++) {
            p.step(opt);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            va = rho * va + (1 - rho) * ga * ga;
            vb = rho * vb + (1 - rho) * gb * gb;
            a -= lr * ga / Math.sqrt(va + eps);
            b -= lr * gb / Math.sqrt(vb + eps);
            assertAt(p, a, b, t);
        }
    }

    @Test
    void rmsprop_with_momentum_centered() {
        double lr = 0.01;
        double rho = 0.8;
        double mu = 0.5;
        double eps = 1e-4;
        TwoParameterProblem p = new TwoParameterProblem();
        RmsProp opt = RmsProp.builder().learningRate(lr).rho(rho).momentum(mu).epsilon(eps)
                .centered(true).build();
        double a = TwoParameterProblem.A0;
        double b = TwoParameterProblem.B0;
        double va = 0;
        double vb = 0;
        double ma = 0;
        double mb = 0;
        double ga0 = 0;
        double gb0 = 0;
        for (int t = 1; t <= 3; t++) {
            p.step(opt);
            double ga = TwoParameterProblem.gradA(a, b);
            double gb = TwoParameterProblem.gradB(a, b);
            va = rho * va + (1 - rho) * ga * ga;
            vb = rho * vb + (1 - rho) * gb * gb;
            ga0 = rho * ga0 + (1 - rho) * ga;
            gb0 = rho * gb0 + (1 - rho) * gb;
            ma = mu * ma + lr * ga / Math.sqrt(va - ga0 * ga0 + eps);
            mb = mu * mb + lr * gb / Math.sqrt(vb - gb0 * gb0 + eps);
            a -= ma;
            b -= mb;
            assertAt(p, a, b, t);
        }
    }
}
