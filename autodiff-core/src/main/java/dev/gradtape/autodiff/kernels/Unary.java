package dev.gradtape.autodiff.kernels;

/**
 * Elementwise loops of one array (and the fused gradient loops of two arrays of equal length):
 * the forward kernels of the unary primitives. Each loop is the whole definition of its
 * arithmetic; the ops above name the math and the derivatives.
 */
public final class Unary {
    private Unary() {
    }

    /** The kernel of e^x, elementwise. */
    public static final Kernel EXP = (in, r) -> exp(in[0], r);
    /** The kernel of the natural logarithm, elementwise. */
    public static final Kernel LOG = (in, r) -> log(in[0], r);
    /** The kernel of the square root, elementwise. */
    public static final Kernel SQRT = (in, r) -> sqrt(in[0], r);
    /** The kernel of tanh, elementwise. */
    public static final Kernel TANH = (in, r) -> tanh(in[0], r);
    /** The kernel of the logistic sigmoid, elementwise. */
    public static final Kernel SIGMOID = (in, r) -> sigmoid(in[0], r);
    /** The kernel of softplus, log(1 + e^x), elementwise. */
    public static final Kernel SOFTPLUS = (in, r) -> softplus(in[0], r);
    /** The kernel of max(x, 0), elementwise. */
    public static final Kernel RELU = (in, r) -> relu(in[0], r);
    /** The kernel of |x|, elementwise. */
    public static final Kernel ABS = (in, r) -> abs(in[0], r);
    /** The kernel of the sign (-1, 0 or 1), elementwise. */
    public static final Kernel SIGN = (in, r) -> sign(in[0], r);
    /** The kernel of sin, elementwise. */
    public static final Kernel SIN = (in, r) -> sin(in[0], r);
    /** The kernel of cos, elementwise. */
    public static final Kernel COS = (in, r) -> cos(in[0], r);
    /** The kernel that copies its one input: detach, a reshape, a broadcast that repeats nothing. */
    public static final Kernel COPY = (in, r) -> System.arraycopy(in[0], 0, r, 0, r.length);
    /** The kernel of tanh's gradient, inputs {@code [g, y]}: see {@link #tanhGrad}. */
    public static final Kernel TANH_GRAD = (in, r) -> tanhGrad(in[0], in[1], r);
    /**
     * The kernel of relu's gradient, inputs {@code [g, x]}: {@link #reluGrad}, or on the vector
     * path the vector module's loop of the same selection ({@link ElementwiseLoops}).
     */
    public static final Kernel RELU_GRAD = (in, r) -> MatMulEngine.elementwise().reluGrad(in[0], in[1], r);

    /**
     * r[i] = e^x[i].
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void exp(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.exp(x[i]);
    }

    /**
     * r[i] = log x[i], the natural logarithm.
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void log(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.log(x[i]);
    }

    /**
     * r[i] = sqrt x[i].
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void sqrt(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.sqrt(x[i]);
    }

    /**
     * r[i] = tanh x[i].
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void tanh(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.tanh(x[i]);
    }

    /**
     * r[i] = sin x[i].
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void sin(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.sin(x[i]);
    }

    /**
     * r[i] = cos x[i].
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void cos(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.cos(x[i]);
    }

    /**
     * 1 / (1 + e^-x), never evaluating e^x for large positive x.
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void sigmoid(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) {
            double v = x[i];
            if (v >= 0) {
                r[i] = 1.0 / (1.0 + Math.exp(-v));
            } else {
                double e = Math.exp(v);
                r[i] = e / (1.0 + e);
            }
        }
    }

    /**
     * log(1 + e^x) as max(x, 0) + log1p(e^-|x|), which never overflows.
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void softplus(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.max(x[i], 0.0) + Math.log1p(Math.exp(-Math.abs(x[i])));
    }

    /**
     * max(x, 0); NaN stays NaN.
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void relu(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.max(x[i], 0.0);
    }

    /**
     * r[i] = |x[i]|.
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void abs(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.abs(x[i]);
    }

    /**
     * r[i] = signum x[i]: -1, 0 or 1 (NaN stays NaN).
     *
     * @param x the input
     * @param r the result, of x's length, overwritten
     */
    public static void sign(double[] x, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = Math.signum(x[i]);
    }

    /**
     * {@return the kernel of x + c}
     *
     * @param c the constant, frozen into the kernel
     */
    public static Kernel addConstant(double c) {
        return new AddConstant(c);
    }

    /**
     * {@return the kernel of x * c}
     *
     * @param c the constant, frozen into the kernel
     */
    public static Kernel mulConstant(double c) {
        return new MulConstant(c);
    }

    /**
     * {@return the kernel of x^p}
     *
     * @param p the exponent, frozen into the kernel
     */
    public static Kernel pow(double p) {
        return new Pow(p);
    }

    /**
     * {@return the kernel of pow's gradient, g p x^(p-1), inputs {@code [g, x]}}
     *
     * @param p the exponent, frozen into the kernel
     */
    public static Kernel powGrad(double p) {
        return new PowGrad(p);
    }

    private record AddConstant(double c) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            addConstant(in[0], c, r);
        }
    }

    private record MulConstant(double c) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            mulConstant(in[0], c, r);
        }
    }

    private record Pow(double p) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            pow(in[0], p, r);
        }
    }

    private record PowGrad(double p) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            powGrad(in[0], in[1], p, r);
        }
    }

    /**
     * r[i] = x[i] + c.
     *
     * @param x the input
     * @param c the constant
     * @param r the result, of x's length, overwritten
     */
    public static void addConstant(double[] x, double c, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = x[i] + c;
    }

    /**
     * r[i] = x[i] * c.
     *
     * @param x the input
     * @param c the constant
     * @param r the result, of x's length, overwritten
     */
    public static void mulConstant(double[] x, double c, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = x[i] * c;
    }

    /**
     * x^p; p = 2 is x * x, exactly rounded, where Math.pow may differ in the last bit.
     *
     * @param x the input
     * @param p the exponent
     * @param r the result, of x's length, overwritten
     */
    public static void pow(double[] x, double p, double[] r) {
        if (p == 2) {
            for (int i = 0; i < r.length; i++) r[i] = x[i] * x[i];
        } else {
            for (int i = 0; i < r.length; i++) r[i] = Math.pow(x[i], p);
        }
    }

    /**
     * g (1 - y^2): tanh's gradient from its output y.
     *
     * @param g the incoming gradient
     * @param y tanh's output
     * @param r the result, overwritten; all three of one length
     */
    public static void tanhGrad(double[] g, double[] y, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = g[i] * (1.0 - y[i] * y[i]);
    }

    /**
     * g where x > 0 (or x is NaN, so that a NaN is never hidden), else 0: relu's gradient as a
     * selection, so an infinite g at x &lt;= 0 gives 0, not 0 * infinity = NaN.
     *
     * @param g the incoming gradient
     * @param x relu's input
     * @param r the result, overwritten; all three of one length
     */
    public static void reluGrad(double[] g, double[] x, double[] r) {
        reluGrad(g, x, r, 0, r.length);
    }

    /**
     * {@link #reluGrad(double[], double[], double[])} for elements {@code [from, to)} only: the
     * vector loop's tail runs here, so the selection is written once.
     *
     * @param g the incoming gradient
     * @param x relu's input
     * @param r the result; elements {@code [from, to)} are overwritten
     * @param from the first element
     * @param to one past the last element
     */
    public static void reluGrad(double[] g, double[] x, double[] r, int from, int to) {
        for (int i = from; i < to; i++) {
            // The selection on bits, with no branch for the CPU to mispredict (x's signs are a
            // coin toss): with b the bits of x as a signed 64-bit integer, x > 0 exactly when
            // b > 0 and b's sign bit differs from -b's, and x is NaN exactly when its magnitude
            // bits exceed those of infinity. Each test's sign bit, spread by >> 63, is a mask
            // of all ones or all zeros; g's bits under it are g or +0.0.
            long b = Double.doubleToRawLongBits(x[i]);
            long positive = (-b & ~b) >> 63;
            long nan = (0x7ff0000000000000L - (b & Long.MAX_VALUE)) >> 63;
            r[i] = Double.longBitsToDouble(Double.doubleToRawLongBits(g[i]) & (positive | nan));
        }
    }

    /**
     * g p x^(p-1): pow's gradient. For p = 0 it is 0 everywhere (x^0 is constant, even at x = 0,
     * where p x^(p-1) would be 0 * infinity); p = 2 is g (2 x).
     *
     * @param g the incoming gradient
     * @param x pow's input
     * @param p the exponent
     * @param r the result, overwritten; g, x and r of one length
     */
    public static void powGrad(double[] g, double[] x, double p, double[] r) {
        if (p == 0) {
            java.util.Arrays.fill(r, 0.0);
        } else if (p == 2) {
            for (int i = 0; i < r.length; i++) r[i] = g[i] * (x[i] * 2.0);
        } else if (p - 1 == 2) {
            for (int i = 0; i < r.length; i++) r[i] = g[i] * (x[i] * x[i] * p);
        } else {
            double q = p - 1;
            for (int i = 0; i < r.length; i++) r[i] = g[i] * (Math.pow(x[i], q) * p);
        }
    }
}
