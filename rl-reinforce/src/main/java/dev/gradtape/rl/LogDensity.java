package dev.gradtape.rl;

/** How {@link GaussianLoss} computes log N(a; mu, sigma). */
public enum LogDensity {
    /**
     * The exact log-density in log space, -z^2 / 2 - log(sigma) - log(2 pi) / 2 with
     * z = (a - mu) / sigma: finite for every finite action and sigma > 0, and the default.
     */
    EXACT,
    /**
     * The article's log(pdf(a; mu, sigma) + 1e-5) with the pdf written out: kept for fidelity. The
     * 1e-5 bounds the loss where the pdf underflows (|z| > 38.6) but also damps the gradient by
     * pdf / (pdf + 1e-5) wherever the pdf is small, i.e. for actions far from the mean.
     */
    ARTICLE
}
