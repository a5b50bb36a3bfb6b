package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;

/**
 * Loss functions, composed from tensor operations so the tape differentiates them with no
 * backward rule of their own. Prediction and target must have the same shape: broadcasting a
 * (batch, 1) prediction against a (batch,) target would silently compare every pair.
 */
public final class Losses {
    private Losses() {
    }

    /** mean((prediction - target)^2) over all elements. */
    public static Tensor meanSquaredError(Tensor prediction, Tensor target) {
        sameShape("meanSquaredError", prediction, target);
        return prediction.sub(target).square().mean();
    }

    static void sameShape(String loss, Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape())) {
            throw new IllegalArgumentException("Losses." + loss + ": prediction shape "
                    + prediction.shape() + " differs from target shape " + target.shape()
                    + "; they must be equal (reshape one of them)");
        }
    }
}
