package dev.gradtape.testing;

/**
 * Doubles at the edges of the format, for tests that a loop selects, compares or copies exactly:
 * both zeros, the smallest subnormals, ±1, the largest finite values, both infinities, and NaNs
 * of either sign with quiet, signalling and all-ones payloads.
 */
public final class EdgeBits {
    private EdgeBits() {
    }

    private static final double[] VALUES = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-320, -1e-320, 1, -1,
        Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Double.longBitsToDouble(0xfff8000000000000L), Double.longBitsToDouble(0x7ff0000000000001L),
        Double.longBitsToDouble(0xfff0000000000001L), Double.longBitsToDouble(0x7fffffffffffffffL),
        Double.longBitsToDouble(0xffffffffffffffffL)};

    private static final double[] PARTNERS = {2.5, -3, 0.0, -0.0, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.NaN, Double.MIN_VALUE};

    /** {@return every edge, a new array: signed zeros, subnormals, ±1, ±MAX_VALUE, ±infinity and six NaNs} */
    public static double[] values() {
        return VALUES.clone();
    }

    /**
     * {@return fewer edges for the other operand of a pair, a new array: ordinary values, signed
     * zeros, infinities, NaN and a subnormal}
     */
    public static double[] partners() {
        return PARTNERS.clone();
    }
}
