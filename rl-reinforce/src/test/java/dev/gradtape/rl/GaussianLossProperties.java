package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;

import dev.gradtape.autodiff.GradCheck;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GaussianLossProperties {
    /** d log N / dmu and d log N / dsigma from the tape, at scalar mu, sigma. */
    private static double[] tapeGradients(double a, double mu, double sigma, LogDensity variant) {
        try (GradientTape tape = new GradientTape()) {
            Tensor m = tape.watch(Tensor.scalar(mu));
            Tensor s = tape.watch(Tensor.scalar(sigma));
            Tensor logp = GaussianLoss.logDensity(Tensor.scalar(a), m, s, variant);
            List<Tensor> g = tape.gradient(logp, List.of(m, s));
            return new double[] {logp.item(), g.get(0).item(), g.get(1).item()};
        }
    }

    @Test
    void exactGradientsMatchTheClosedFormsOverAWideRange() {
        // mu in [-10, 10], sigma = 10^e for e in [-6, 1], z = (a - mu) / sigma in [-1e3, 1e3].
        qt().forAll(doubles().between(-10, 10), doubles().between(-6, 1), doubles().between(-1e3, 1e3))
                .checkAssert((mu, e, z) -> {
                    double sigma = Math.pow(10, e);
                    double a = mu + z * sigma;
                    double[] got = tapeGradients(a, mu, sigma, LogDensity.EXACT);
                    double d = a - mu;
                    double zz = d / sigma;
                    double logp = -0.5 * zz * zz - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
                    assertTrue(Double.isFinite(got[0]), "log-density " + got[0]);
                    assertEquals(logp, got[0], 1e-12 * (0.5 * zz * zz + Math.abs(Math.log(sigma)) + 1));
                    double dMu = d / (sigma * sigma);
                    assertEquals(dMu, got[1], 1e-9 * Math.abs(dMu), "d/dmu at a=" + a + " mu=" + mu
                            + " sigma=" + sigma);
                    // ((a - mu)^2 - sigma^2) / sigma^3 cancels where |z| ~ 1, in the oracle as in
                    // any double computation; relative 1e-9 is taken of the two terms' magnitudes.
                    double dSigma = (d * d - sigma * sigma) / (sigma * sigma * sigma);
                    double scale = (d * d + sigma * sigma) / (sigma * sigma * sigma);
                    assertEquals(dSigma, got[2], 1e-9 * scale, "d/dsigma at a=" + a + " mu=" + mu
                            + " sigma=" + sigma);
                });
    }

    @Test
    void exactLogDensityStaysFiniteWhereThePdfUnderflows() {
        // z = 1e3: the pdf is exp(-5e5) = 0 in doubles; the article's variant saturates at log(1e-5).
        double[] exact = tapeGradients(1e3, 0, 1, LogDensity.EXACT);
        assertEquals(-5e5 - 0.5 * Math.log(2 * Math.PI), exact[0], 1e-6);
        assertEquals(1e3, exact[1], 1e-9);
        double[] article = tapeGradients(1e3, 0, 1, LogDensity.ARTICLE);
        assertEquals(Math.log(1e-5), article[0], 1e-12);
        assertEquals(0.0, article[1], 0.0);
    }

    @Test
    void articleVariantOnPaper() {
        // log(pdf + 1e-5), so d/dmu = pdf / (pdf + 1e-5) * (a - mu) / sigma^2 (and likewise d/dsigma).
        double a = 1.3;
        double mu = 0.2;
        double sigma = 0.8;
        double z = (a - mu) / sigma;
        double pdf = Math.exp(-0.5 * z * z) / (sigma * Math.sqrt(2 * Math.PI));
        double damp = pdf / (pdf + 1e-5);
        double[] got = tapeGradients(a, mu, sigma, LogDensity.ARTICLE);
        assertEquals(Math.log(pdf + 1e-5), got[0], 1e-14);
        assertEquals(damp * (a - mu) / (sigma * sigma), got[1], 1e-13);
        assertEquals(damp * ((a - mu) * (a - mu) - sigma * sigma) / Math.pow(sigma, 3), got[2], 1e-13);
        // far in the tail the damping is visible: pdf(z = 5) = 1.5e-6 < 1e-5
        double[] tail = tapeGradients(5.0, 0, 1, LogDensity.ARTICLE);
        double pdf5 = Math.exp(-12.5) / Math.sqrt(2 * Math.PI);
        assertEquals(pdf5 / (pdf5 + 1e-5) * 5.0, tail[1], 1e-12);
        assertTrue(tail[1] < 1.0);
    }

    @Test
    void weightedLossPassesGradCheckForBothVariants() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor action = Tensor.randn(rng, 4, 2);
        Tensor mu = Tensor.randn(rng, 4, 2);
        Tensor sigma = Tensor.uniform(rng, 0.5, 2.0, 4, 2);
        Tensor w = Tensor.randn(rng, 4);
        for (LogDensity v : LogDensity.values()) {
            GradCheck.defaults().assertGradients(
                    in -> GaussianLoss.weighted(action, in.get(0), in.get(1), w, v), mu, sigma);
        }
        // a state-independent sigma of shape (2) broadcast over the batch
        Tensor sharedSigma = Tensor.vector(0.7, 1.4);
        GradCheck.defaults().assertGradients(
                in -> GaussianLoss.weighted(action, in.get(0), in.get(1), w, LogDensity.EXACT),
                mu, sharedSigma);
        GradCheck.defaults().assertGradients(in -> GaussianLoss.entropy(in.get(0)), sharedSigma);
    }

    @Test
    void weightedLossIsMinusTheMeanOfWeightedLogProbabilities() {
        Tensor action = Tensor.matrix(new double[][] {{1.0, 0.5}, {-2.0, 0.0}});
        Tensor mu = Tensor.matrix(new double[][] {{0.0, 0.5}, {-1.0, 1.0}});
        Tensor sigma = Tensor.vector(1.0, 2.0);
        Tensor w = Tensor.vector(2.0, -1.0);
        double c = 0.5 * Math.log(2 * Math.PI);
        double row0 = (-0.5 - c) + (-Math.log(2) - c);
        double row1 = (-0.5 - c) + (-0.125 - Math.log(2) - c);
        double expected = -(2.0 * row0 - row1) / 2;
        assertEquals(expected, GaussianLoss.weighted(action, mu, sigma, w, LogDensity.EXACT).item(), 1e-14);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianLoss.weighted(action, mu, sigma, Tensor.vector(1, 2, 3), LogDensity.EXACT));
        assertTrue(e.getMessage().contains("weights of shape (3,)"), e.getMessage());
    }

    @Test
    void scoreFunctionGradientOnABanditMatchesTheAnalyticGradient() {
        // One-step bandit with reward R(a) = -(a - 3)^2 and a ~ N(mu, sigma):
        // J = E[R] = -((mu - 3)^2 + sigma^2), dJ/dmu = -2 (mu - 3), dJ/dsigma = -2 sigma.
        // The loss -mean(R log pi) has gradient -mean(R grad log pi), the score-function estimate
        // of -grad J; it must land within 4 standard errors of the analytic value.
        int n = 100_000;
        double mu = 1.0;
        double sigma = 0.7;
        SplittableRandom rng = new SplittableRandom(11);
        double[] a = new double[n];
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = mu + sigma * rng.nextGaussian();
            r[i] = -(a[i] - 3) * (a[i] - 3);
        }
        List<Tensor> g;
        try (GradientTape tape = new GradientTape()) {
            Tensor m = tape.watch(Tensor.scalar(mu));
            Tensor s = tape.watch(Tensor.scalar(sigma));
            Tensor loss = GaussianLoss.weighted(Tensor.of(a, n, 1), m, s, Tensor.of(r, n), LogDensity.EXACT);
            g = tape.gradient(loss, List.of(m, s));
        }
        double[] seMuSigma = standardErrors(a, r, mu, sigma);
        double estMu = -g.get(0).item();
        double estSigma = -g.get(1).item();
        assertEquals(-2 * (mu - 3), estMu, 4 * seMuSigma[0], "dJ/dmu, se " + seMuSigma[0]);
        assertEquals(-2 * sigma, estSigma, 4 * seMuSigma[1], "dJ/dsigma, se " + seMuSigma[1]);
        assertTrue(seMuSigma[0] < 0.1 && seMuSigma[1] < 0.1, "the test must be sharp: se " + seMuSigma[0] + ", " + seMuSigma[1]);
    }

    /** Standard errors of the per-sample estimates R (a - mu) / sigma^2 and R (z^2 - 1) / sigma. */
    private static double[] standardErrors(double[] a, double[] r, double mu, double sigma) {
        int n = a.length;
        double[] sum = new double[2];
        double[] sumSq = new double[2];
        for (int i = 0; i < n; i++) {
            double z = (a[i] - mu) / sigma;
            double[] x = {r[i] * z / sigma, r[i] * (z * z - 1) / sigma};
            for (int k = 0; k < 2; k++) {
                sum[k] += x[k];
                sumSq[k] += x[k] * x[k];
            }
        }
        double[] se = new double[2];
        for (int k = 0; k < 2; k++) {
            double mean = sum[k] / n;
            se[k] = Math.sqrt((sumSq[k] / n - mean * mean) / (n - 1));
        }
        return se;
    }
}
