package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Checks gradients against central finite differences in double precision, with PyTorch
 * gradcheck's defaults (eps 1e-6, atol 1e-5, rtol 1e-3). It depends on no test framework: call
 * {@link #check} for a {@link Result} or {@link #assertGradients} for an {@link AssertionError}
 * that JUnit, QuickTheories or any other runner reports as a failure.
 *
 * <p>A function with a non-scalar output is checked through a fixed random projection of its
 * output, L(x) = sum(f(x) * w), which exercises the full vector-Jacobian product. Each input of at
 * most {@link #maxFullElements} elements is checked element by element:
 * dL/dx_i ~ (L(x + eps e_i) - L(x - eps e_i)) / (2 eps); a larger input is checked along
 * {@link #projections} random directions v: grad . v ~ (L(x + eps v) - L(x - eps v)) / (2 eps).
 * A value passes when {@code |analytic - numeric| <= atol + rtol |numeric|}.
 *
 * <pre>{@code
 * GradCheck.defaults().assertGradients(in -> in.get(0).tanh().mul(in.get(1)), x, y);
 * }</pre>
 *
 * <p>Keep inputs away from points where the function is not differentiable (kinks of relu, abs,
 * maximum): finite differences straddle them and disagree with any one-sided convention.
 */
public final class GradCheck {
    /** A differentiable function of a list of tensors. */
    @FunctionalInterface
    public interface Fn {
        /**
         * Computes the output from the inputs, in the same order as given to the check.
         *
         * @param inputs the tensors to differentiate with respect to; the check calls this with
         *     perturbed copies of them, so it must not rely on their identity
         * @return the output, of any shape (a non-scalar one is checked through a projection)
         */
        Tensor apply(List<Tensor> inputs);
    }

    private final double eps;
    private final double atol;
    private final double rtol;
    private final int maxFullElements;
    private final int projections;
    private final long seed;

    private GradCheck(double eps, double atol, double rtol, int maxFullElements, int projections,
            long seed) {
        if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0) || maxFullElements < 0 || projections < 1) {
            throw new IllegalArgumentException("GradCheck: need eps > 0, atol >= 0, rtol >= 0,"
                    + " maxFullElements >= 0, projections >= 1; got eps=" + eps + ", atol=" + atol
                    + ", rtol=" + rtol + ", maxFullElements=" + maxFullElements + ", projections="
                    + projections);
        }
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
        this.maxFullElements = maxFullElements;
        this.projections = projections;
        this.seed = seed;
    }

    /**
     * {@return a checker with PyTorch's defaults} That is eps 1e-6, atol 1e-5 and rtol 1e-3, with a
     * full check up to 256 elements per input and 8 random projections for a larger one.
     */
    public static GradCheck defaults() {
        return new GradCheck(1e-6, 1e-5, 1e-3, 256, 8, 0x5eed);
    }

    /**
     * {@return a copy with another finite-difference step} A smaller step shrinks the truncation
     * error, of order eps^2, and grows the rounding error, of order 1e-16 / eps.
     *
     * @param value the step, greater than 0
     */
    public GradCheck eps(double value) {
        return new GradCheck(value, atol, rtol, maxFullElements, projections, seed);
    }

    /**
     * {@return a copy with another absolute tolerance}
     *
     * @param value atol in {@code |analytic - numeric| <= atol + rtol |numeric|}, at least 0
     */
    public GradCheck atol(double value) {
        return new GradCheck(eps, value, rtol, maxFullElements, projections, seed);
    }

    /**
     * {@return a copy with another relative tolerance}
     *
     * @param value rtol in {@code |analytic - numeric| <= atol + rtol |numeric|}, at least 0
     */
    public GradCheck rtol(double value) {
        return new GradCheck(eps, atol, value, maxFullElements, projections, seed);
    }

    /**
     * {@return a copy that checks inputs up to {@code value} elements element by element}
     *
     * @param value the largest input checked in full, at least 0 (0 projects every input); each
     *     element costs two evaluations of the function
     */
    public GradCheck maxFullElements(int value) {
        return new GradCheck(eps, atol, rtol, value, projections, seed);
    }

    /**
     * {@return a copy that checks larger inputs along {@code value} random directions}
     *
     * @param value the number of directions per large input, at least 1
     */
    public GradCheck projections(int value) {
        return new GradCheck(eps, atol, rtol, maxFullElements, value, seed);
    }

    /**
     * {@return a copy whose output weights and directions come from another seed}
     *
     * @param value the seed; a check is reproducible for a given seed
     */
    public GradCheck seed(long value) {
        return new GradCheck(eps, atol, rtol, maxFullElements, projections, value);
    }

    /**
     * Checks the gradients of {@code f} at {@code inputs}: the tape's gradient of the projected
     * output against central differences, as the class comment describes.
     *
     * @param f the function to check
     * @param inputs the point at which to check it; a check reads them and never changes them
     * @return the outcome, with every value that disagreed
     */
    public Result check(Fn f, Tensor... inputs) {
        List<Tensor> xs = List.of(inputs);
        Tensor out = f.apply(xs);
        Tensor w = Tensor.randn(new SplittableRandom(seed), out.shape.dims());
        Fn loss = in -> f.apply(in).mul(w).sum();
        List<Tensor> analytic;
        try (GradientTape tape = new GradientTape()) {
            List<Tensor> watched = new ArrayList<>();
            for (Tensor x : inputs) {
                watched.add(tape.watch(x.detach()));
            }
            analytic = tape.gradient(loss.apply(watched), watched);
        }
        return compare(loss, xs, analytic);
    }

    /**
     * Like {@link #check} but throws an {@link AssertionError} describing the first mismatches.
     *
     * @param f the function to check
     * @param inputs the point at which to check it
     */
    public void assertGradients(Fn f, Tensor... inputs) {
        check(f, inputs).orThrow();
    }

    /**
     * Checks second derivatives: the gradient of h(x) = sum_i grad_i L(x) . u_i, with fixed random
     * directions u_i, is compared with finite differences of h. It passes only if the backward
     * rules are themselves correctly differentiable.
     *
     * @param f the function to check
     * @param inputs the point at which to check it
     * @return the outcome of checking h's gradient
     */
    public Result checkSecondOrder(Fn f, Tensor... inputs) {
        List<Tensor> xs = List.of(inputs);
        Tensor out = f.apply(xs);
        SplittableRandom rng = new SplittableRandom(seed ^ 0x2d);
        Tensor w = Tensor.randn(rng, out.shape.dims());
        List<Tensor> us = new ArrayList<>();
        for (Tensor x : inputs) {
            us.add(Tensor.randn(rng, x.shape.dims()));
        }
        Fn h = in -> {
            try (GradientTape inner = new GradientTape()) {
                for (Tensor x : in) {
                    inner.watch(x);
                }
                List<Tensor> g = inner.gradient(f.apply(in).mul(w).sum(), in);
                Tensor acc = Tensor.scalar(0.0);
                for (int i = 0; i < g.size(); i++) {
                    acc = acc.add(g.get(i).mul(us.get(i)).sum());
                }
                return acc;
            }
        };
        return check(h, inputs);
    }

    /**
     * Like {@link #checkSecondOrder} but throws an {@link AssertionError} on a mismatch.
     *
     * @param f the function to check
     * @param inputs the point at which to check it
     */
    public void assertSecondOrder(Fn f, Tensor... inputs) {
        checkSecondOrder(f, inputs).orThrow();
    }

    private Result compare(Fn loss, List<Tensor> xs, List<Tensor> analytic) {
        List<Mismatch> bad = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(seed ^ 0x9e3779b97f4a7c15L);
        int checked = 0;
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            double[] g = analytic.get(i).data;
            if (x.size() <= maxFullElements) {
                for (int k = 0; k < x.size(); k++) {
                    double[] dir = new double[x.size()];
                    dir[k] = 1.0;
                    double numeric = directional(loss, xs, i, dir);
                    checked++;
                    if (!close(g[k], numeric)) {
                        bad.add(new Mismatch(i, k, x.shape, g[k], numeric));
                    }
                }
            } else {
                for (int p = 0; p < projections; p++) {
                    double[] dir = new double[x.size()];
                    double dot = 0;
                    for (int k = 0; k < dir.length; k++) {
                        dir[k] = rng.nextGaussian();
                        dot += g[k] * dir[k];
                    }
                    double numeric = directional(loss, xs, i, dir);
                    checked++;
                    if (!close(dot, numeric)) {
                        bad.add(new Mismatch(i, -1 - p, x.shape, dot, numeric));
                    }
                }
            }
        }
        return new Result(checked, List.copyOf(bad), eps, atol, rtol);
    }

    private double directional(Fn loss, List<Tensor> xs, int which, double[] dir) {
        return (lossAt(loss, xs, which, dir, eps) - lossAt(loss, xs, which, dir, -eps)) / (2 * eps);
    }

    private static double lossAt(Fn loss, List<Tensor> xs, int which, double[] dir, double step) {
        List<Tensor> moved = new ArrayList<>(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            if (i != which) {
                moved.add(x.detach());
                continue;
            }
            double[] d = x.toArray();
            for (int k = 0; k < d.length; k++) {
                d[k] += step * dir[k];
            }
            moved.add(new Tensor(x.shape, d));
        }
        return loss.apply(moved).item();
    }

    private boolean close(double analytic, double numeric) {
        return Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric);
    }

    /**
     * One gradient value that disagrees with finite differences.
     *
     * @param input which input (0-based)
     * @param index the flat element index, or -(p + 1) for random projection p of a large input
     * @param shape the input's shape
     * @param analytic what the backward rules gave
     * @param numeric what central differences gave
     */
    public record Mismatch(int input, int index, Shape shape, double analytic, double numeric) {
        @Override
        public String toString() {
            String where = index >= 0 ? "element " + index : "random projection " + (-index - 1);
            return "input " + input + " " + shape + ", " + where + ": analytic " + analytic
                    + ", numeric " + numeric + " (difference " + Math.abs(analytic - numeric) + ")";
        }
    }

    /**
     * The outcome of a check.
     *
     * @param checked how many values (elements or projections) were compared
     * @param mismatches those that did not agree, in input and element order
     * @param eps the finite-difference step used
     * @param atol the absolute tolerance used
     * @param rtol the relative tolerance used
     */
    public record Result(int checked, List<Mismatch> mismatches, double eps, double atol,
            double rtol) {
        /** {@return true if every compared value agreed} */
        public boolean passed() {
            return mismatches.isEmpty();
        }

        /**
         * Throws an {@link AssertionError} listing the first mismatches if the check failed.
         *
         * @return this result, for chaining
         */
        public Result orThrow() {
            if (!passed()) {
                throw new AssertionError(this.toString());
            }
            return this;
        }

        @Override
        public String toString() {
            if (passed()) {
                return "GradCheck passed: " + checked + " values agree (eps " + eps + ", atol " + atol
                        + ", rtol " + rtol + ")";
            }
            StringBuilder sb = new StringBuilder("GradCheck failed: " + mismatches.size() + " of "
                    + checked + " values disagree (eps " + eps + ", atol " + atol + ", rtol " + rtol
                    + "):");
            for (int i = 0; i < Math.min(10, mismatches.size()); i++) {
                sb.append("\n  ").append(mismatches.get(i));
            }
            if (mismatches.size() > 10) {
                sb.append("\n  ... and ").append(mismatches.size() - 10).append(" more");
            }
            return sb.toString();
        }
    }
}
