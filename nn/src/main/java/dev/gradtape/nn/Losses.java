package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;

/**
 * Loss functions, composed from tensor operations so the tape differentiates them with no
 * backward rule of their own. Each returns a scalar, the mean over all elements (or over the batch
 * for the cross-entropies). Prediction and target must have the same shape: broadcasting a
 * (batch, 1) prediction against a (batch,) target would silently compare every pair.
 */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean squared error: mean((p - y)^2); its gradient is 2 (p - y) / n.
     *
     * @param prediction the model's output
     * @param target the wanted output, broadcast against the prediction
     * @return the mean squared error, a tensor of one element
     */
    public static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        sameShape("meanSquaredError", prediction, target);
        return prediction.sub(target).square().mean();
    }

    /**
     * Mean absolute error: mean(|p - y|); its gradient at p = y is 0.
     *
     * @param prediction the model's output
     * @param target the wanted output, broadcast against the prediction
     * @return the mean absolute error, a tensor of one element
     */
    public static Tensor meanAbsoluteError(Tensor prediction, Tensor target) {
        sameShape("meanAbsoluteError", prediction, target);
        return prediction.sub(target).abs().mean();
    }

    /**
     * Huber loss, quadratic near zero and linear beyond {@code delta} (Keras' form): with
     * e = |p - y|, mean(0.5 e^2 if e &lt;= delta, else delta (e - 0.5 delta)). Composed as
     * q = min(e, delta), loss = 0.5 q^2 + delta (e - q), which is the same function.
     *
     * @param prediction the model's output
     * @param target the wanted output, broadcast against the prediction
     * @param delta the error at which the loss turns from quadratic to linear
     * @return the mean Huber loss, a tensor of one element
     * @throws IllegalArgumentException unless delta is finite and > 0
     */
    public static Tensor huber(Tensor prediction, Tensor target, double delta) {
        Hyper.positive("Losses.huber", "delta", delta);
        sameShape("huber", prediction, target);
        Tensor e = prediction.sub(target).abs();
        Tensor q = e.minimum(delta);
        return q.square().mul(0.5).add(e.sub(q).mul(delta)).mean();
    }

    /**
     * Binary cross-entropy from logits x and targets y in [0, 1]:
     * mean(-y log sigmoid(x) - (1 - y) log(1 - sigmoid(x))), computed stably as
     * mean(softplus(x) - x y) (both logs of sigmoid written with softplus, which never overflows).
     *
     * @param logits the logits x, before any sigmoid
     * @param target the targets y in [0, 1], broadcast against the logits
     * @return the mean binary cross-entropy, a tensor of one element
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        sameShape("binaryCrossEntropyWithLogits", logits, target);
        return logits.softplus().sub(logits.mul(target)).mean();
    }

    /**
     * Softmax cross-entropy from logits of shape (batch, classes) and target probabilities (for
     * example one-hot rows) of the same shape: the mean over the batch of
     * -sum_k y_k log softmax(x)_k = logsumexp(x) sum_k y_k - sum_k y_k x_k.
     *
     * @param logits the logits, shape (batch, classes), before any softmax
     * @param target the target probabilities, shape (batch, classes)
     * @return the mean softmax cross-entropy over the batch, a tensor of one element
     */
    public static Tensor softmaxCrossEntropyWithLogits(Tensor logits, Tensor target) {
        sameShape("softmaxCrossEntropyWithLogits", logits, target);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("Losses.softmaxCrossEntropyWithLogits: logits have shape "
                    + logits.shape() + "; expected (batch, classes)");
        }
        Tensor lse = logits.logSumExp(1, true);
        return lse.mul(target).sub(logits.mul(target)).sum(1, false).mean();
    }

    static void sameShape(String loss, Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape())) {
            throw new IllegalArgumentException("Losses." + loss + ": prediction shape "
                    + prediction.shape() + " differs from target shape " + target.shape()
                    + "; they must be equal (reshape one of them)");
        }
    }
}
