package dev.gradtape.autodiff;

import java.util.Arrays;

/**
 * The dimensions of a {@link Tensor}: an immutable list of non-negative sizes, row-major.
 *
 * <p>A shape of rank 0, {@code ()}, is a scalar and holds one element. Broadcasting follows NumPy:
 * shapes are aligned on their trailing dimensions and each pair of dimensions must be equal or
 * one of them 1; a missing leading dimension counts as 1.
 */
public final class Shape {
    /** The shape of a scalar, {@code ()}. */
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;
    private final int size;
    private int[] strides;

    private Shape(int[] dims) {
        this.dims = dims;
        long n = 1;
        for (int d : dims) {
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Shape " + Arrays.toString(dims)
                        + " has more than " + Integer.MAX_VALUE + " elements");
            }
        }
        this.size = (int) n;
    }

    /**
     * Returns the shape with the given dimensions.
     *
     * @param dims the dimensions, outermost first; none for the scalar shape {@code ()}
     * @return the shape (a copy of {@code dims} is kept, so the caller may reuse the array)
     * @throws IllegalArgumentException if a dimension is negative
     */
    public static Shape of(int... dims) {
        if (dims.length == 0) {
            return SCALAR;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("Shape: dimension " + i + " is " + dims[i]
                        + " in " + Arrays.toString(dims) + "; every dimension must be >= 0");
            }
        }
        return new Shape(dims.clone());
    }

    /** {@return the number of dimensions; 0 for a scalar} */
    public int rank() {
        return dims.length;
    }

    /** {@return the number of elements: the product of the dimensions (1 for a scalar)} */
    public int size() {
        return size;
    }

    /**
     * {@return dimension {@code axis}}
     *
     * @param axis the axis; a negative axis counts from the end, as in NumPy ({@code -1} is the
     *     last)
     * @throws IllegalArgumentException if the axis is out of range
     */
    public int dim(int axis) {
        return dims[axis("Shape.dim", axis)];
    }

    /** {@return a copy of the dimensions} */
    public int[] dims() {
        return dims.clone();
    }

    /** {@return true for the rank-0 shape {@code ()}} */
    public boolean isScalar() {
        return dims.length == 0;
    }

    /**
     * Turns a possibly negative axis into an index in {@code [0, rank)}.
     *
     * @param op the operation's name, for the error message
     * @param axis the axis, from {@code -rank} to {@code rank - 1}
     * @return the axis counted from the front, {@code axis + rank} for a negative one
     * @throws IllegalArgumentException naming {@code op} if the axis is out of range
     */
    public int axis(String op, int axis) {
        int r = dims.length;
        if (axis < -r || axis >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + this + "; valid axes are " + (r == 0 ? "none (a scalar has no axes)"
                    : "-" + r + " to " + (r - 1)));
        }
        return axis < 0 ? axis + r : axis;
    }

    /** A shape over {@code dims}, which the caller hands over and has validated. */
    static Shape ofTrusted(int[] dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims);
    }

    /** Row-major strides (shared: do not modify): the distance between neighbours along each axis. */
    int[] strides() {
        if (strides == null) {
            strides = computeStrides();
        }
        return strides;
    }

    private int[] computeStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    int[] dimsUnsafe() {
        return dims;
    }

    /**
     * {@code a}, checked to equal {@code b}: the shape rule of ops whose operands have one shape.
     *
     * @throws IllegalArgumentException naming {@code op} if the shapes differ
     */
    static Shape sameShape(String op, Shape a, Shape b) {
        if (!a.equals(b)) {
            throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                    + " differ; both operands must have the same shape");
        }
        return a;
    }

    /**
     * The shape two operands broadcast to, NumPy's rule: the shapes are aligned from the right, a
     * missing dimension counts as 1, and each pair of dimensions must be equal or one of them 1,
     * which is then stretched. {@code (3, 1)} and {@code (4)} broadcast to {@code (3, 4)}.
     *
     * @param op the operation's name, for the error message
     * @param a the first operand's shape
     * @param b the second operand's shape
     * @return the broadcast shape ({@code a} itself when {@code b} broadcasts to it)
     * @throws IllegalArgumentException naming {@code op} and both shapes if they do not broadcast
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a == b || a.equals(b)) {
            return a;
        }
        if (a.dims.length == 0) {
            return b;
        }
        if (b.dims.length == 0) {
            return a;
        }
        if (b.broadcastsTo(a)) {
            return a; // no new shape for the common bias-row case
        }
        if (a.broadcastsTo(b)) {
            return b;
        }
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a + " and " + b
                        + " cannot be broadcast; aligned from the right, each pair of dimensions"
                        + " must be equal or one of them 1 (dimension " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return new Shape(out);
    }

    /**
     * {@return true if this shape broadcasts to {@code target} without changing {@code target}}
     *
     * @param target the shape to stretch this one to
     */
    public boolean broadcastsTo(Shape target) {
        if (rank() > target.rank()) {
            return false;
        }
        int off = target.rank() - rank();
        for (int i = 0; i < rank(); i++) {
            if (dims[i] != 1 && dims[i] != target.dims[i + off]) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** NumPy's notation: {@code ()}, {@code (3,)}, {@code (2, 3)}. */
    @Override
    public String toString() {
        if (dims.length == 1) {
            return "(" + dims[0] + ",)";
        }
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }
}
