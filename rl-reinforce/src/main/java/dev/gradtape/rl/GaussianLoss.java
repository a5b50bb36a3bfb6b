package dev.gradtape.rl;

import dev.gradtape.autodiff.Tensor;
import java.util.Objects;

/**
 * The Gaussian log-likelihood and the article's "weighted Gaussian log-likelihood loss"
 * L = -w log pi(a | s), composed from autodiff primitives (so they need no backward of their own).
 *
 * <p>For a diagonal Gaussian policy with mean mu and standard deviation sigma per action element,
 *
 * <pre>
 *     log N(a; mu, sigma) = -z^2 / 2 - log(sigma) - log(2 pi) / 2,   z = (a - mu) / sigma
 *     d/dmu    = (a - mu) / sigma^2
 *     d/dsigma = ((a - mu)^2 - sigma^2) / sigma^3
 * </pre>
 *
 * and log pi(a | s) is the sum over the action's elements. Minimising the mean of -w log pi over a
 * batch follows the REINFORCE gradient E[w grad log pi]: the sampled action is a constant, only mu
 * and sigma carry gradients. The action is therefore detached here.
 */
public final class GaussianLoss {
    /** log(2 pi) / 2. */
    static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    /** The article's floor inside the logarithm, log(pdf + 1e-5). */
    public static final double ARTICLE_EPSILON = 1e-5;

    private GaussianLoss() {
    }

    /**
     * log N(a; mu, sigma) elementwise, the three tensors broadcast together.
     *
     * @param action the sampled action (a constant: no gradient flows into it)
     * @param mu the mean
     * @param sigma the standard deviation, > 0
     * @param variant exact (in log space) or the article's log(pdf + 1e-5)
     * @return log N(a; mu, sigma), of the three inputs' broadcast shape
     */
    public static Tensor logDensity(Tensor action, Tensor mu, Tensor sigma, LogDensity variant) {
        Objects.requireNonNull(variant, "GaussianLoss.logDensity: variant is null");
        Tensor z = action.detach().sub(mu).div(sigma);
        Tensor logExp = z.square().mul(-0.5);
        if (variant == LogDensity.EXACT) {
            return logExp.sub(sigma.log()).sub(HALF_LOG_TWO_PI);
        }
        // pdf = exp(-z^2 / 2) / (sigma sqrt(2 pi)), as the article writes it out.
        Tensor pdf = logExp.exp().div(sigma.mul(Math.sqrt(2 * Math.PI)));
        return pdf.add(ARTICLE_EPSILON).log();
    }

    /**
     * log pi(a | s) of a diagonal Gaussian: {@link #logDensity} summed over the last axis (the
     * action elements). For actions of shape (batch, d) the result has shape (batch); for a
     * rank-0 action it is the log-density itself.
     *
     * @param action the sampled action (a constant)
     * @param mu the mean
     * @param sigma the standard deviation, positive
     * @param variant exact, or the article's log(pdf + 1e-5)
     * @return the log-probability of each action, the last axis summed away
     */
    public static Tensor logProbability(Tensor action, Tensor mu, Tensor sigma, LogDensity variant) {
        Tensor d = logDensity(action, mu, sigma, variant);
        return d.rank() == 0 ? d : d.sum(-1, false);
    }

    /**
     * The weighted Gaussian log-likelihood loss, -mean(w * log pi(a | s)) over the batch.
     *
     * @param action the sampled actions (constants)
     * @param mu the policy's means
     * @param sigma the policy's standard deviations, positive
     * @param weights one weight per log-probability (the return, or advantage, of each action); a
     *     constant
     * @param variant exact, or the article's log(pdf + 1e-5)
     * @return the loss, a tensor of one element, whose gradient is the policy-gradient estimate
     * @throws IllegalArgumentException if the weights' shape differs from the log-probabilities'
     */
    public static Tensor weighted(Tensor action, Tensor mu, Tensor sigma, Tensor weights,
            LogDensity variant) {
        Tensor logp = logProbability(action, mu, sigma, variant);
        if (!weights.shape().equals(logp.shape())) {
            throw new IllegalArgumentException("GaussianLoss.weighted: weights of shape "
                    + weights.shape() + " for log-probabilities of shape " + logp.shape()
                    + " (actions " + action.shape() + "); pass one weight per action row");
        }
        return logp.mul(weights.detach()).mean().neg();
    }

    /**
     * The entropy of N(mu, sigma) per element, log(sigma) + log(2 pi e) / 2; it does not depend on
     * mu. An entropy bonus subtracts c * entropy from the loss to keep sigma from collapsing.
     *
     * @param sigma the standard deviation, positive
     * @return the entropy of each element, of sigma's shape
     */
    public static Tensor entropy(Tensor sigma) {
        return sigma.log().add(HALF_LOG_TWO_PI + 0.5);
    }
}
