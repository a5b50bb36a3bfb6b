package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Clipping by global norm, TensorFlow's {@code clip_by_global_norm}: all gradients are scaled by
 * the same factor, so the update keeps its direction and only its length is limited.
 *
 * <pre>
 * norm = sqrt(sum over all gradients and elements of g^2)
 * g    = g * maxNorm / norm   when norm > maxNorm, else unchanged
 * </pre>
 */
public final class GradientClipping {
    private GradientClipping() {
    }

    /**
     * sqrt of the sum of squares of every element of every gradient, summed in list order.
     *
     * @param grads the gradients, in any shapes
     * @return the global L2 norm of all of them together
     */
    public static double globalNorm(List<Tensor> grads) {
        Objects.requireNonNull(grads, "GradientClipping.globalNorm: grads is null");
        double sum = 0;
        for (Tensor g : grads) {
            Objects.requireNonNull(g, "GradientClipping.globalNorm: a gradient is null");
            for (double x : g.toArray()) {
                sum += x * x;
            }
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales all gradients by maxNorm / norm when their global norm exceeds {@code maxNorm}. As in
     * TensorFlow, a non-finite norm makes every returned element NaN, so that the step fails
     * visibly; use {@link #clipByGlobalNorm(List, double, boolean)} to throw instead.
     *
     * @param grads the gradients to clip; they are not modified
     * @param maxNorm the largest global norm let through
     * @return a new list in the same order: the same tensors if their norm is at most
     *     {@code maxNorm}, else scaled copies
     * @throws IllegalArgumentException unless maxNorm is finite and > 0
     */
    public static List<Tensor> clipByGlobalNorm(List<Tensor> grads, double maxNorm) {
        return clipByGlobalNorm(grads, maxNorm, false);
    }

    /**
     * Like {@link #clipByGlobalNorm(List, double)}, but with {@code throwOnNonFinite} a NaN or
     * infinite norm throws an {@link ArithmeticException} (naming the norm and the first
     * non-finite gradient) instead of producing NaN.
     *
     * @param grads the gradients to clip; they are not modified
     * @param maxNorm the largest global norm let through
     * @param throwOnNonFinite throw rather than return NaN gradients when the norm is not finite
     * @return a new list in the same order: the same tensors if their norm is at most
     *     {@code maxNorm}, else scaled copies
     */
    public static List<Tensor> clipByGlobalNorm(List<Tensor> grads, double maxNorm,
            boolean throwOnNonFinite) {
        Hyper.positive("GradientClipping.clipByGlobalNorm", "maxNorm", maxNorm);
        double norm = globalNorm(grads);
        if (!Double.isFinite(norm)) {
            if (throwOnNonFinite) {
                throw new ArithmeticException("GradientClipping.clipByGlobalNorm: the global norm is "
                        + norm + "; gradient " + firstNonFinite(grads)
                        + " holds a NaN or infinity");
            }
            List<Tensor> out = new ArrayList<>(grads.size());
            for (Tensor g : grads) {
                out.add(Tensor.full(Double.NaN, g.shape()));
            }
            return out;
        }
        if (norm <= maxNorm) {
            return List.copyOf(grads);
        }
        double scale = maxNorm / norm;
        List<Tensor> out = new ArrayList<>(grads.size());
        for (Tensor g : grads) {
            double[] d = g.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= scale;
            }
            out.add(Tensor.of(d, g.shape().dims()));
        }
        return out;
    }

    private static String firstNonFinite(List<Tensor> grads) {
        for (int i = 0; i < grads.size(); i++) {
            for (double x : grads.get(i).toArray()) {
                if (!Double.isFinite(x)) {
                    return i + " (shape " + grads.get(i).shape() + ")";
                }
            }
        }
        return "none (the sum of squares overflowed)";
    }
}
