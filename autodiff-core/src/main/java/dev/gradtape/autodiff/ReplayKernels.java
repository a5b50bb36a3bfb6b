package dev.gradtape.autodiff;

import java.util.Arrays;

/**
 * The {@link ReplayKernel}s of the primitives. Each one mirrors its primitive's forward and
 * backward expression for expression (the primitive's class comment has the math), so that a
 * replay gives the eager tape's results bit for bit. Broadcasting is resolved once, at
 * compilation, into index maps.
 */
final class ReplayKernels {
    private ReplayKernels() {
    }

    /** The elementwise functions of one tensor (with a constant c for the last three). */
    enum UnaryKind {
        EXP, LOG, SQRT, TANH, SIGMOID, SOFTPLUS, RELU, ABS, SIGN, POW, ADD_CONSTANT, MUL_CONSTANT
    }

    /**
     * f(x) elementwise; the backward uses x or the output exactly as the primitive does. One
     * class for all of them, the switch outside the loops: fewer methods for the JIT to compile
     * before a replay runs at full speed.
     */
    static final class Unary extends ReplayKernel {
        private final UnaryKind kind;
        private final double c;

        Unary(UnaryKind kind) {
            this(kind, 0.0);
        }

        Unary(UnaryKind kind, double c) {
            this.kind = kind;
            this.c = c;
        }

        @Override
        void forward(double[][] in, double[] out) {
            double[] x = in[0];
            switch (kind) {
                case EXP -> { for (int i = 0; i < x.length; i++) out[i] = Math.exp(x[i]); }
                case LOG -> { for (int i = 0; i < x.length; i++) out[i] = Math.log(x[i]); }
                case SQRT -> { for (int i = 0; i < x.length; i++) out[i] = Math.sqrt(x[i]); }
                case TANH -> { for (int i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]); }
                case SIGMOID -> {
                    for (int i = 0; i < x.length; i++) out[i] = UnaryOps.Sigmoid.sigmoid(x[i]);
                }
                case SOFTPLUS -> {
                    for (int i = 0; i < x.length; i++) {
                        out[i] = Math.max(x[i], 0.0) + Math.log1p(Math.exp(-Math.abs(x[i])));
                    }
                }
                case RELU -> { for (int i = 0; i < x.length; i++) out[i] = Math.max(x[i], 0.0); }
                case ABS -> { for (int i = 0; i < x.length; i++) out[i] = Math.abs(x[i]); }
                case SIGN -> { for (int i = 0; i < x.length; i++) out[i] = Math.signum(x[i]); }
                case POW -> { for (int i = 0; i < x.length; i++) out[i] = power(x[i], c); }
                case ADD_CONSTANT -> { for (int i = 0; i < x.length; i++) out[i] = x[i] + c; }
                case MUL_CONSTANT -> { for (int i = 0; i < x.length; i++) out[i] = x[i] * c; }
            }
        }

        /** x^p as the pow primitive computes it: x * x for p = 2. */
        private static double power(double x, double p) {
            return p == 2 ? x * x : Math.pow(x, p);
        }

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            double[] x = in[0];
            double[] r = gIn[0];
            switch (kind) {
                case EXP -> { for (int i = 0; i < r.length; i++) r[i] = g[i] * out[i]; }
                case LOG -> { for (int i = 0; i < r.length; i++) r[i] = g[i] / x[i]; }
                case SQRT -> { for (int i = 0; i < r.length; i++) r[i] = g[i] / (out[i] * 2.0); }
                case TANH -> {
                    // g (1 - y^2), as g.mul(y.square().neg().add(1))
                    for (int i = 0; i < r.length; i++) r[i] = g[i] * (out[i] * out[i] * -1.0 + 1.0);
                }
                case SIGMOID -> {
                    // g s (1 - s), as g.mul(s.mul(s.neg().add(1)))
                    for (int i = 0; i < r.length; i++) r[i] = g[i] * (out[i] * (out[i] * -1.0 + 1.0));
                }
                case SOFTPLUS -> {
                    for (int i = 0; i < r.length; i++) r[i] = g[i] * UnaryOps.Sigmoid.sigmoid(x[i]);
                }
                case RELU -> {
                    // the primitive's branch-free mask: 1 for x > 0 or NaN, 0 for x <= 0
                    for (int i = 0; i < r.length; i++) {
                        r[i] = g[i] * (double) (-Double.doubleToRawLongBits(x[i] + 0.0) >>> 63);
                    }
                }
                case ABS -> { for (int i = 0; i < r.length; i++) r[i] = g[i] * Math.signum(x[i]); }
                case SIGN -> throw new IllegalStateException("sign sends no gradient");
                case POW -> {
                    // p x^(p-1), as x.mul(2) for p = 2 and x.pow(p - 1).mul(p) otherwise
                    if (c == 2) {
                        for (int i = 0; i < r.length; i++) r[i] = g[i] * (x[i] * 2.0);
                    } else {
                        for (int i = 0; i < r.length; i++) r[i] = g[i] * (power(x[i], c - 1) * c);
                    }
                }
                case ADD_CONSTANT -> System.arraycopy(g, 0, r, 0, r.length);
                case MUL_CONSTANT -> { for (int i = 0; i < r.length; i++) r[i] = g[i] * c; }
            }
        }
    }

    /** The binary operations with broadcasting. */
    enum BinaryKind {
        ADD, MUL, DIV
    }

    /** The kernel of a binary operation on operands of these shapes. */
    static ReplayKernel binary(BinaryKind kind, Shape a, Shape b, Shape out) {
        return new Binary(kind, a.equals(out) ? null : Broadcast.sourceIndex(a, out),
                b.equals(out) ? null : Broadcast.sourceIndex(b, out));
    }

    /**
     * a op b with NumPy broadcasting. {@code ia[k]} and {@code ib[k]} are the elements of a and
     * b that element k of the result reads ({@code null} where an operand has the result's
     * shape). The gradient of a broadcast operand is summed from zero in row-major order of the
     * result, the order of {@link Tensor#sumTo}.
     */
    static final class Binary extends ReplayKernel {
        private final BinaryKind kind;
        final int[] ia;
        final int[] ib;

        Binary(BinaryKind kind, int[] ia, int[] ib) {
            this.kind = kind;
            this.ia = ia;
            this.ib = ib;
        }

        @Override
        void forward(double[][] in, double[] out) {
            double[] x = in[0];
            double[] y = in[1];
            int[] ia = this.ia;
            int[] ib = this.ib;
            switch (kind) {
                case ADD -> {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = x[ia == null ? k : ia[k]] + y[ib == null ? k : ib[k]];
                    }
                }
                case MUL -> {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = x[ia == null ? k : ia[k]] * y[ib == null ? k : ib[k]];
                    }
                }
                case DIV -> {
                    for (int k = 0; k < out.length; k++) {
                        out[k] = x[ia == null ? k : ia[k]] / y[ib == null ? k : ib[k]];
                    }
                }
            }
        }

        /** The full-size contribution of a broadcast operand, before it is summed down. */
        private double[] scratch;

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            if (gIn[0] != null) {
                operandGradient(0, g, in, out, gIn[0]);
            }
            if (gIn[1] != null) {
                operandGradient(1, g, in, out, gIn[1]);
            }
        }

        /**
         * Operand j's gradient: each result element's contribution, computed into the gradient
         * itself, or for a broadcast operand into a scratch array that is then summed down. Each
         * loop is one simple line, which keeps the JIT's work small.
         */
        private void operandGradient(int j, double[] g, double[][] in, double[] out, double[] grad) {
            int[] index = j == 0 ? ia : ib;
            if (kind == BinaryKind.ADD) { // d/da = d/db = g: copied, or summed straight from g
                reduce(g, index, grad);
                return;
            }
            double[] d = grad;
            if (index != null) {
                if (scratch == null) {
                    scratch = new double[g.length];
                }
                d = scratch;
            }
            double[] b = in[1];
            switch (kind) {
                case MUL -> { // d/da = g b, d/db = g a, as g.mul(b) and g.mul(a)
                    double[] other = in[1 - j];
                    int[] io = j == 0 ? ib : ia;
                    if (io == null) {
                        for (int k = 0; k < d.length; k++) d[k] = g[k] * other[k];
                    } else {
                        for (int k = 0; k < d.length; k++) d[k] = g[k] * other[io[k]];
                    }
                }
                case DIV -> { // d/da = g / b, d/db = -(g / b) (a / b), as the primitive shares g / b
                    if (ib == null) {
                        for (int k = 0; k < d.length; k++) d[k] = g[k] / b[k];
                    } else {
                        for (int k = 0; k < d.length; k++) d[k] = g[k] / b[ib[k]];
                    }
                    if (j == 1) {
                        for (int k = 0; k < d.length; k++) d[k] = d[k] * out[k] * -1.0;
                    }
                }
            }
            if (index != null) {
                reduce(d, index, grad);
            }
        }

        /**
         * An operand's gradient from the full-size contributions d: d itself, or for a broadcast
         * operand d summed from zero in the result's order, as sumTo does.
         */
        private static void reduce(double[] d, int[] index, double[] grad) {
            if (index == null) {
                System.arraycopy(d, 0, grad, 0, grad.length);
                return;
            }
            Arrays.fill(grad, 0.0);
            for (int k = 0; k < d.length; k++) {
                grad[index[k]] += d[k];
            }
        }
    }

    /**
     * where(c, a, b): a where c is non-zero, else b, all broadcast. The condition gets no
     * gradient; a's is g where c holds and b's g elsewhere, each summed if broadcast (the
     * primitive's where(c, g, 0).sumTo(a.shape)).
     */
    static final class Where extends ReplayKernel {
        private final int[] ic;
        private final int[] ia;
        private final int[] ib;

        Where(Shape c, Shape a, Shape b, Shape out) {
            this.ic = c.equals(out) ? null : Broadcast.sourceIndex(c, out);
            this.ia = a.equals(out) ? null : Broadcast.sourceIndex(a, out);
            this.ib = b.equals(out) ? null : Broadcast.sourceIndex(b, out);
        }

        @Override
        void forward(double[][] in, double[] out) {
            double[] c = in[0];
            double[] a = in[1];
            double[] b = in[2];
            for (int k = 0; k < out.length; k++) {
                out[k] = c[ic == null ? k : ic[k]] != 0 ? a[ia == null ? k : ia[k]] : b[ib == null ? k : ib[k]];
            }
        }

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            double[] c = in[0];
            double[] ga = gIn[1];
            double[] gb = gIn[2];
            clear(ga, ia);
            clear(gb, ib);
            for (int k = 0; k < g.length; k++) {
                boolean holds = c[ic == null ? k : ic[k]] != 0;
                if (ga != null) {
                    send(ga, ia, k, holds ? g[k] : 0.0);
                }
                if (gb != null) {
                    send(gb, ib, k, holds ? 0.0 : g[k]);
                }
            }
        }
    }

    /** Prepares a gradient array: a broadcast operand's gradient is summed from zero. */
    static void clear(double[] grad, int[] index) {
        if (grad != null && index != null) {
            Arrays.fill(grad, 0.0);
        }
    }

    /** Sends d for result element k to an operand's gradient: assigned, or added if broadcast. */
    static void send(double[] grad, int[] index, int k, double d) {
        if (index == null) {
            grad[k] = d;
        } else {
            grad[index[k]] += d;
        }
    }

    /** a > b or a >= b as 1.0 or 0.0, broadcast; no gradient. */
    static final class Compare extends ReplayKernel {
        private final boolean orEqual;
        private final int[] ia;
        private final int[] ib;

        Compare(boolean orEqual, Shape a, Shape b, Shape out) {
            this.orEqual = orEqual;
            this.ia = a.equals(out) ? null : Broadcast.sourceIndex(a, out);
            this.ib = b.equals(out) ? null : Broadcast.sourceIndex(b, out);
        }

        /** The comparison's loop, shared with the primitive's forward. */
        static void compare(boolean orEqual, double[] a, int[] ia, double[] b, int[] ib, double[] out) {
            for (int k = 0; k < out.length; k++) {
                double u = a[ia == null ? k : ia[k]];
                double v = b[ib == null ? k : ib[k]];
                out[k] = (orEqual ? u >= v : u > v) ? 1.0 : 0.0;
            }
        }

        @Override
        void forward(double[][] in, double[] out) {
            compare(orEqual, in[0], ia, in[1], ib, out);
        }

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            throw new IllegalStateException("a comparison sends no gradient");
        }
    }

    /**
     * Sum over axes, and its adjoint broadcastTo: {@code to[k]} is the element of the small side
     * that element k of the large side adds into (or is copied from).
     */
    static final class Reduce extends ReplayKernel {
        private final int[] to;
        private final boolean summing;

        /** Summing {@code large} down to {@code small} (true), or broadcasting {@code small} up (false). */
        Reduce(Shape small, Shape large, boolean summing) {
            this.to = Broadcast.sourceIndex(small, large);
            this.summing = summing;
        }

        @Override
        void forward(double[][] in, double[] out) {
            if (summing) {
                sum(in[0], out);
            } else {
                expand(in[0], out);
            }
        }

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            if (summing) {
                expand(g, gIn[0]);
            } else {
                sum(g, gIn[0]);
            }
        }

        private void sum(double[] large, double[] small) {
            Arrays.fill(small, 0.0);
            for (int k = 0; k < large.length; k++) {
                small[to[k]] += large[k];
            }
        }

        private void expand(double[] small, double[] large) {
            for (int k = 0; k < large.length; k++) {
                large[k] = small[to[k]];
            }
        }
    }

    /** reshape: the same elements in the same order. */
    static final class Copy extends ReplayKernel {
        @Override
        void forward(double[][] in, double[] out) {
            System.arraycopy(in[0], 0, out, 0, out.length);
        }

        @Override
        void backward(double[] g, double[][] in, double[] out, double[][] gIn) {
            System.arraycopy(g, 0, gIn[0], 0, g.length);
        }
    }

    /**
     * op(A) op(B) of two matrices, through {@link MatMulEngine} like the primitive; the backward
     * forms the same two products the primitive's backward records.
     */
    static final class MatMul2 extends ReplayKernel {
        private final boolean ta;
        private final boolean tb;
        private final Product forward;
        private final Product gradA;
        private final Product gradB;

        MatMul2(boolean ta, boolean tb, Shape a, Shape b, Shape out) {
            int[] da = a.dims();
            int[] db = b.dims();
            int[] dg = out.dims();
            this.ta = ta;
            this.tb = tb;
            forward = new Product(da, ta, db, tb);
            gradA = ta ? new Product(db, tb, dg, true) : new Product(dg, false, db, !tb);
            gradB = tb ? new Product(dg, true, da, ta) : new Product(da, !ta, dg, false);
        }

        @Override
        void forward(double[][] in, double[] out) {
            forward.run(in[0], in[1], out);
        }

        @Override
        void backward(double[] grad, double[][] in, double[] out, double[][] gIn) {
            if (gIn[0] != null) {
                if (ta) {       // op(A) = A^T: dA = op(B) g^T
                    gradA.run(in[1], grad, gIn[0]);
                } else {        // dA = g op(B)^T
                    gradA.run(grad, in[1], gIn[0]);
                }
            }
            if (gIn[1] != null) {
                if (tb) {       // op(B) = B^T: dB = g^T op(A)
                    gradB.run(grad, in[0], gIn[1]);
                } else {        // dB = op(A)^T g
                    gradB.run(in[0], grad, gIn[1]);
                }
            }
        }
    }

    /**
     * One product c = op(x) op(y) of fixed shapes, planned when the replay is compiled. A tiny
     * product (at most {@link #TINY} multiply-adds, as in a small policy network) runs as one flat
     * loop over its multiply-adds, listed in advance: loops of four or five elements spend more
     * on their own set-up than on arithmetic. Each element still adds its k terms from zero in
     * k order, so the result is the engine's to the bit. Larger products go to the engine.
     */
    static final class Product {
        /** The largest product listed multiply-add by multiply-add. */
        static final int TINY = 256;

        private final boolean tx;
        private final boolean ty;
        private final int n;
        private final int k;
        private final int m;
        private final int[] xi;
        private final int[] yi;
        private final int[] ci;

        Product(int[] dx, boolean tx, int[] dy, boolean ty) {
            this.tx = tx;
            this.ty = ty;
            n = tx ? dx[1] : dx[0];
            k = tx ? dx[0] : dx[1];
            m = ty ? dy[0] : dy[1];
            long macs = (long) n * k * m;
            if (macs > TINY) {
                xi = yi = ci = null;
                return;
            }
            xi = new int[(int) macs];
            yi = new int[(int) macs];
            ci = new int[(int) macs];
            int q = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < k; p++) { // i-p-j: neighbouring steps touch different c
                    for (int j = 0; j < m; j++, q++) {
                        xi[q] = tx ? p * n + i : i * k + p;
                        yi[q] = ty ? j * k + p : p * m + j;
                        ci[q] = i * m + j;
                    }
                }
            }
        }

        void run(double[] x, double[] y, double[] c) {
            if (xi != null) {
                Arrays.fill(c, 0.0);
                for (int q = 0; q < xi.length; q++) {
                    c[ci[q]] += x[xi[q]] * y[yi[q]];
                }
            } else if ((long) n * k * m <= MatMulKernel.SMALL_MACS) {
                MatMulKernel.multiplySmall(x, 0, tx, y, 0, ty, c, 0, n, k, m); // what the engine picks
            } else {
                Arrays.fill(c, 0.0); // the blocked loops accumulate
                MatMulEngine.multiply(x, tx, y, ty, c, n, k, m);
            }
        }
    }
}
