package dev.gradtape.autodiff.kernels;

/**
 * Elementwise loops of two or three broadcast operands: add, mul, div, the comparisons and where.
 * A kernel is picked once per pair of shapes: equal sizes run one flat loop, a single-element
 * operand runs as a constant, anything else reads through index maps.
 */
public final class Binary {
    private Binary() {
    }

    /** The binary operations with loops of their own. */
    public enum Op {
        /** a + b. */
        ADD,
        /** a * b. */
        MUL,
        /** a / b. */
        DIV,
        /** 1 where a > b, else 0. */
        GREATER,
        /** 1 where a >= b, else 0. */
        GREATER_EQUAL,
        /** 1 where a >= b or a is NaN: where maximum takes a, so that NaN wins. */
        MAX_TAKES_A,
        /** 1 where a &lt;= b or a is NaN: where minimum takes a. */
        MIN_TAKES_A
    }

    /**
     * The kernel of {@code a op b} for operands of shapes {@code a} and {@code b}, result
     * {@code out}: one flat loop for equal sizes, a constant for a single-element operand, whole
     * rows for an operand repeated along leading axes (a bias row), index maps otherwise. Named
     * classes rather than lambdas: they start fast in the interpreter, and eager mode makes one per
     * operation.
     *
     * @param op the operation
     * @param a the first operand's dimensions
     * @param b the second operand's dimensions
     * @param out the result's dimensions, the broadcast of {@code a} and {@code b}
     * @return a kernel reading inputs {@code [a, b]} and writing the result
     */
    public static Kernel kernel(Op op, int[] a, int[] b, int[] out) {
        int n = Broadcast.size(out);
        int sa = Broadcast.size(a);
        int sb = Broadcast.size(b);
        if (sa == n && sb == n) {
            return SAME[op.ordinal()];
        }
        if (sb == 1 && sa == n) {
            return CONSTANT_B[op.ordinal()];
        }
        if (sa == 1 && sb == n) {
            return CONSTANT_A[op.ordinal()];
        }
        if (sa == n && sb > 0 && isTrailing(b, out)) {
            return ROWS_B[op.ordinal()];
        }
        return new Mapped(op, Broadcast.sourceIndex(a, out), Broadcast.sourceIndex(b, out));
    }

    // the kernels that need no index maps exist once per operation
    private static final Kernel[] SAME = new Kernel[Op.values().length];
    private static final Kernel[] CONSTANT_B = new Kernel[Op.values().length];
    private static final Kernel[] CONSTANT_A = new Kernel[Op.values().length];
    private static final Kernel[] ROWS_B = new Kernel[Op.values().length];

    static {
        for (Op op : Op.values()) {
            SAME[op.ordinal()] = new Same(op);
            CONSTANT_B[op.ordinal()] = new ConstantB(op);
            CONSTANT_A[op.ordinal()] = new ConstantA(op);
            ROWS_B[op.ordinal()] = new RowsB(op);
        }
    }

    /**
     * True if {@code in} is {@code out} without some leading axes (leading 1s allowed), so that
     * broadcasting repeats it whole: flat index k of the result reads element k mod its size.
     */
    static boolean isTrailing(int[] in, int[] out) {
        int start = 0;
        while (start < in.length && in[start] == 1) {
            start++;
        }
        int off = out.length - in.length;
        for (int i = start; i < in.length; i++) {
            if (in[i] != out[i + off]) {
                return false;
            }
        }
        return true;
    }

    private record Same(Op op) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            same(op, in[0], in[1], r);
        }
    }

    private record ConstantB(Op op) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            constantB(op, in[0], in[1][0], r);
        }
    }

    private record ConstantA(Op op) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            constantA(op, in[0][0], in[1], r);
        }
    }

    private record RowsB(Op op) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            rowsB(op, in[0], in[1], r);
        }
    }

    private record Mapped(Op op, int[] ia, int[] ib) implements Kernel {
        @Override
        public void run(double[][] in, double[] r) {
            mapped(op, in[0], ia, in[1], ib, r);
        }
    }

    static double apply(Op op, double u, double v) {
        return switch (op) {
            case ADD -> u + v;
            case MUL -> u * v;
            case DIV -> u / v;
            case GREATER -> u > v ? 1.0 : 0.0;
            case GREATER_EQUAL -> u >= v ? 1.0 : 0.0;
            case MAX_TAKES_A -> u >= v || u != u ? 1.0 : 0.0;
            case MIN_TAKES_A -> u <= v || u != u ? 1.0 : 0.0;
        };
    }

    // The arithmetic ops get a loop each (so the JIT sees one simple loop); the comparisons,
    // never hot, share the switch.
    /**
     * x op y for operands of the result's size: r[i] = x[i] op y[i].
     *
     * @param op the operation
     * @param x the first operand
     * @param y the second operand, of x's length
     * @param r the result, overwritten
     */
    public static void same(Op op, double[] x, double[] y, double[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = x[i] + y[i]; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = x[i] * y[i]; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = x[i] / y[i]; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, x[i], y[i]); }
        }
    }

    /**
     * x op c for a single-element second operand: r[i] = x[i] op c.
     *
     * @param op the operation
     * @param x the first operand
     * @param c the second operand's one element
     * @param r the result, of x's length, overwritten
     */
    public static void constantB(Op op, double[] x, double c, double[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = x[i] + c; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = x[i] * c; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = x[i] / c; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, x[i], c); }
        }
    }

    /**
     * c op y for a single-element first operand: r[i] = c op y[i].
     *
     * @param op the operation
     * @param c the first operand's one element
     * @param y the second operand
     * @param r the result, of y's length, overwritten
     */
    public static void constantA(Op op, double c, double[] y, double[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = c + y[i]; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = c * y[i]; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = c / y[i]; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, c, y[i]); }
        }
    }

    /**
     * x op y where y is one row repeated: r[i + j] = x[i + j] op y[j].
     *
     * @param op the operation
     * @param x the first operand, of the result's length
     * @param y the row, whose length divides the result's
     * @param r the result, overwritten
     */
    public static void rowsB(Op op, double[] x, double[] y, double[] r) {
        int len = y.length;
        for (int i = 0; i < r.length; i += len) {
            switch (op) {
                case ADD -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] + y[j]; }
                case MUL -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] * y[j]; }
                case DIV -> { for (int j = 0; j < len; j++) r[i + j] = x[i + j] / y[j]; }
                default -> { for (int j = 0; j < len; j++) r[i + j] = apply(op, x[i + j], y[j]); }
            }
        }
    }

    /**
     * x op y through index maps, for any broadcast: r[i] = x[ix[i]] op y[iy[i]].
     *
     * @param op the operation
     * @param x the first operand
     * @param ix for each result element, the element of x it reads ({@link Broadcast#sourceIndex})
     * @param y the second operand
     * @param iy for each result element, the element of y it reads
     * @param r the result, overwritten
     */
    public static void mapped(Op op, double[] x, int[] ix, double[] y, int[] iy, double[] r) {
        switch (op) {
            case ADD -> { for (int i = 0; i < r.length; i++) r[i] = x[ix[i]] + y[iy[i]]; }
            case MUL -> { for (int i = 0; i < r.length; i++) r[i] = x[ix[i]] * y[iy[i]]; }
            case DIV -> { for (int i = 0; i < r.length; i++) r[i] = x[ix[i]] / y[iy[i]]; }
            default -> { for (int i = 0; i < r.length; i++) r[i] = apply(op, x[ix[i]], y[iy[i]]); }
        }
    }

    /**
     * The kernel of where(c, a, b): a where c is non-zero, else b, all three broadcast to
     * {@code out}.
     *
     * @param c the condition's dimensions
     * @param a the dimensions of the values taken where the condition holds
     * @param b the dimensions of the values taken elsewhere
     * @param out the result's dimensions, the broadcast of all three
     * @return a kernel reading inputs {@code [c, a, b]} and writing the result
     */
    public static Kernel where(int[] c, int[] a, int[] b, int[] out) {
        int[] ic = Broadcast.sourceIndex(c, out);
        int[] ia = Broadcast.sourceIndex(a, out);
        int[] ib = Broadcast.sourceIndex(b, out);
        return (in, r) -> where(in[0], ic, in[1], ia, in[2], ib, r);
    }

    /**
     * where through index maps: r[i] = c[ic[i]] != 0 ? a[ia[i]] : b[ib[i]].
     *
     * @param c the condition
     * @param ic for each result element, the element of c it reads
     * @param a the values taken where the condition holds
     * @param ia for each result element, the element of a it reads
     * @param b the values taken elsewhere
     * @param ib for each result element, the element of b it reads
     * @param r the result, overwritten
     */
    public static void where(double[] c, int[] ic, double[] a, int[] ia, double[] b, int[] ib, double[] r) {
        for (int i = 0; i < r.length; i++) r[i] = c[ic[i]] != 0 ? a[ia[i]] : b[ib[i]];
    }
}
