package dev.gradtape.rl;

import java.util.Locale;

/**
 * What one {@link Reinforce} update reports. For the article's one-shot game (one episode of one
 * step per update) mu, sigma, action and reward are those of that single step; for batches they
 * are averages over every step of the batch, of the first action element.
 *
 * @param update the update's number, from 1
 * @param episodes the episodes trained on so far, this update's included
 * @param mu the mean of mu(s)
 * @param sigma the mean of sigma(s)
 * @param action the mean sampled action
 * @param reward the mean reward per step
 * @param episodeReturn the mean undiscounted return per episode
 * @param loss the policy loss (the weighted Gaussian log-likelihood, minus any entropy bonus)
 * @param gradientNorm the global norm of the policy gradient, before clipping
 * @param learningRate the policy optimiser's learning rate used for this update
 * @param valueLoss the value network's mean squared error in its last epoch, or NaN without one
 */
public record UpdateMetrics(long update, long episodes, double mu, double sigma, double action,
        double reward, double episodeReturn, double loss, double gradientNorm, double learningRate,
        double valueLoss) {
    /** The CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER =
            "update,episodes,mu,sigma,action,reward,return,loss,gradient_norm,learning_rate,value_loss";

    /**
     * One CSV row, full precision, locale-independent.
     *
     * @return the row, its fields in the order of {@link #CSV_HEADER}
     */
    public String toCsv() {
        return String.format(Locale.ROOT, "%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%s", update, episodes, mu, sigma,
                action, reward, episodeReturn, loss, gradientNorm, learningRate, valueLoss);
    }
}
