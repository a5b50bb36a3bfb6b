package dev.gradtape.nn;

/** Checks of hyper-parameters; each message names the setting, its value and the valid range. */
final class Hyper {
    private Hyper() {
    }

    /** A finite value > 0, such as a learning rate or epsilon. */
    static double positive(String owner, String name, double value) {
        if (!(value > 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value
                    + "; valid range is (0, +inf), a finite value > 0");
        }
        return value;
    }

    /** A finite value >= 0. */
    static double nonNegative(String owner, String name, double value) {
        if (!(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value
                    + "; valid range is [0, +inf), a finite value >= 0");
        }
        return value;
    }

    /** A decay factor in [0, 1), such as beta1, beta2, rho or momentum. */
    static double unitInterval(String owner, String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " is " + value
                    + "; valid range is [0, 1)");
        }
        return value;
    }
}
