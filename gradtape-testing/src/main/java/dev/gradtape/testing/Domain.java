package dev.gradtape.testing;

import java.util.List;

/**
 * Where an operation's inputs may be drawn from for a gradient check: the interval [lo, hi],
 * minus a neighbourhood of radius {@code margin} around each kink (a point where the operation is
 * not differentiable, or where its derivative blows up, such as 0 for relu, abs, log and 1/x).
 *
 * <p>Central differences with step eps straddle a kink when a value lies within eps of it, and
 * then disagree with any one-sided convention; keeping values {@code margin >= 1e-3} away makes
 * the check about the rule, not about the convention (conventions are pinned by examples).
 *
 * @param lo the smallest value
 * @param hi the largest value
 * @param kinks the points to keep away from
 * @param margin the smallest allowed distance to a kink
 */
public record Domain(double lo, double hi, List<Double> kinks, double margin) {
    /** The distance {@link TensorGenerators} keeps from kinks unless told otherwise. */
    public static final double KINK_MARGIN = 1e-3;

    /** Any value in [-2, 2]: for smooth operations. */
    public static final Domain REAL = between(-2, 2);

    /** [-2, 2] at least 1e-3 away from 0: for relu, abs, sign-dependent rules. */
    public static final Domain REAL_AWAY_FROM_ZERO = between(-2, 2).withKinks(0.0);

    /** [0.2, 3]: for log, sqrt and fractional powers, whose derivatives blow up at 0. */
    public static final Domain POSITIVE = between(0.2, 3);

    /** [-2, 2] at least 0.3 away from 0: for denominators, where |d(1/x)/dx| = 1/x^2 stays small. */
    public static final Domain NONZERO = new Domain(-2, 2, List.of(0.0), 0.3);

    /**
     * Checks the fields.
     *
     * @param lo the smallest value
     * @param hi the largest value, above lo
     * @param kinks the points to keep away from (copied)
     * @param margin the smallest allowed distance to a kink, at least 0
     * @throws IllegalArgumentException if lo is not below hi or the margin is negative or NaN
     */
    public Domain {
        if (!(lo < hi)) {
            throw new IllegalArgumentException("Domain: need lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("Domain: margin must be >= 0, got " + margin);
        }
        kinks = List.copyOf(kinks);
    }

    /**
     * [lo, hi] with no kinks.
     *
     * @param lo the smallest value
     * @param hi the largest value
     * @return the domain, with the default margin {@link #KINK_MARGIN}
     */
    public static Domain between(double lo, double hi) {
        return new Domain(lo, hi, List.of(), KINK_MARGIN);
    }

    /**
     * This domain, also kept {@link #margin} away from the given points.
     *
     * @param points the further kinks
     * @return a new domain
     */
    public Domain withKinks(Double... points) {
        List<Double> all = new java.util.ArrayList<>(kinks);
        all.addAll(List.of(points));
        return new Domain(lo, hi, all, margin);
    }

    /**
     * Moves {@code v} out of every kink's neighbourhood, to the edge on the side it was on; a
     * deterministic map (rather than a filter) so that no generated case is thrown away.
     *
     * @param v a value in [lo, hi]
     * @return {@code v}, or the nearest edge of the kink's neighbourhood it fell into
     */
    public double nudge(double v) {
        double r = v;
        for (double k : kinks) {
            if (Math.abs(r - k) < margin) {
                r = r >= k ? k + margin : k - margin;
            }
        }
        return r;
    }

    /**
     * Whether a value belongs here.
     *
     * @param v the value
     * @return true if {@code v} lies in [lo - margin, hi + margin] and at least margin from every kink
     */
    public boolean contains(double v) {
        if (v < lo - margin || v > hi + margin) {
            return false;
        }
        for (double k : kinks) {
            if (Math.abs(v - k) < margin * (1 - 1e-12)) {
                return false;
            }
        }
        return true;
    }
}
