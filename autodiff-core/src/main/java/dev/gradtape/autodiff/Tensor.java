package dev.gradtape.autodiff;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * An immutable n-dimensional array of doubles, row-major, of rank 0 (a scalar) and up; the value
 * that flows through gradtape's graphs.
 *
 * <p>Operations are instance methods, so expressions read left to right
 * ({@code x.matmul(w).add(b).relu()}), and every binary operation broadcasts its operands as NumPy
 * does. An operation on a tensor that an open {@link GradientTape} tracks is recorded on it.
 *
 * <p>A few operations are primitives with hand-written backward rules (add and mul, of a tensor
 * or of a number; div, pow, exp, log, sqrt, sin, cos, tanh, sigmoid, softplus, relu, abs, where,
 * sum, max, broadcastTo, reshape, permute, slice, pad, concat, matmul); everything else here is
 * composed from them and so needs no backward of its own.
 *
 * <p>Tensors compare by identity, as in PyTorch (a tape keys gradients on the very tensor it
 * recorded); use {@link #valueEquals} to compare contents.
 */
public final class Tensor implements TensorView {
    final Shape shape;
    final double[] data;
    /** The recorded application that produced this tensor, or null; set once, when recorded. */
    Node creator;
    /**
     * Bookkeeping of the tape that tracks this tensor, kept here so that looking it up costs a
     * field read instead of a hash lookup: the first open tape to track the tensor claims it with
     * a compare-and-set and stores the tensor's gradient slot; other tapes use their own maps.
     * Neither field is part of the tensor's value.
     */
    GradientTape tape; // claimed with a compare-and-set (GradientTape.TAPE); read plainly
    int slot;

    /** Wraps without copying: callers hand over arrays nobody else writes. */
    Tensor(Shape shape, double[] data) {
        this.shape = shape;
        this.data = data;
    }

    // ---------------------------------------------------------------- factories

    /**
     * A tensor holding a copy of {@code data} in row-major order.
     *
     * @throws IllegalArgumentException if a dimension is negative or the data length is not the
     *     product of the dimensions
     */
    public static Tensor of(double[] data, int... shape) {
        return Tensors.of(data, shape);
    }

    /**
     * A tensor of the given shape holding a copy of {@code data} in row-major order.
     *
     * @throws IllegalArgumentException if the data length is not the shape's size
     */
    public static Tensor of(double[] data, Shape shape) {
        return Tensors.of(data, shape);
    }

    /** A rank-1 tensor holding a copy of {@code values}. */
    public static Tensor vector(double... values) {
        return of(values, values.length);
    }

    /** A rank-2 tensor from rows of equal length. */
    public static Tensor matrix(double[][] rows) {
        return Tensors.matrix(rows);
    }

    /** A rank-0 tensor. */
    public static Tensor scalar(double value) {
        return new Tensor(Shape.SCALAR, new double[] {value});
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return zeros(Shape.of(shape));
    }

    /** A tensor of zeros of the given shape. */
    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new double[shape.size()]);
    }

    /** A tensor of ones. */
    public static Tensor ones(int... shape) {
        return ones(Shape.of(shape));
    }

    /** A tensor of ones of the given shape. */
    public static Tensor ones(Shape shape) {
        return full(1.0, shape);
    }

    /** A tensor filled with {@code value}. */
    public static Tensor full(double value, int... shape) {
        return full(value, Shape.of(shape));
    }

    /** A tensor of the given shape filled with {@code value}. */
    public static Tensor full(double value, Shape shape) {
        return Tensors.full(value, shape);
    }

    /** 0, 1, ..., n - 1 as a rank-1 tensor. */
    public static Tensor arange(int n) {
        return Tensors.arange(n);
    }

    /** Standard normal values drawn from {@code rng}, in row-major order. */
    public static Tensor randn(RandomGenerator rng, int... shape) {
        return Tensors.randn(rng, shape);
    }

    /** Standard normal values from a {@link SplittableRandom} seeded with {@code seed}. */
    public static Tensor randn(long seed, int... shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    /** Standard normal values of the given shape drawn from {@code rng}, in row-major order. */
    public static Tensor randn(RandomGenerator rng, Shape shape) {
        return Tensors.randn(rng, shape);
    }

    /**
     * Standard normal values of the given shape from a {@link SplittableRandom} seeded with
     * {@code seed}: the same seed and shape give the same tensor, bit for bit.
     */
    public static Tensor randn(long seed, Shape shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    /**
     * {@code count} evenly spaced values from {@code start} to {@code end}, both included (NumPy's
     * linspace): value i is start + i (end - start) / (count - 1), and the last is exactly end.
     *
     * @throws IllegalArgumentException if count is negative or an end point is not finite
     */
    public static Tensor linspace(double start, double end, int count) {
        return Tensors.linspace(start, end, count);
    }

    /** Values uniform in [lo, hi) drawn from {@code rng}, in row-major order. */
    public static Tensor uniform(RandomGenerator rng, double lo, double hi, int... shape) {
        return Tensors.uniform(rng, lo, hi, shape);
    }

    /** Values uniform in [lo, hi) from a {@link SplittableRandom} seeded with {@code seed}. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return uniform(new SplittableRandom(seed), lo, hi, shape);
    }

    // ---------------------------------------------------------------- reading

    /** The shape. */
    @Override
    public Shape shape() {
        return shape;
    }

    /** The number of axes; 0 for a scalar. */
    public int rank() {
        return shape.rank();
    }

    /** The number of elements. */
    public int size() {
        return data.length;
    }

    /** A copy of the elements in row-major order. */
    public double[] toArray() {
        return data.clone();
    }

    /**
     * Copies the elements in row-major order into {@code destination}, for loops that reuse one
     * array instead of allocating with {@link #toArray()} (optimisers, for example).
     *
     * @throws IllegalArgumentException if the destination's length is not this tensor's size
     */
    @Override
    public void copyTo(double[] destination) {
        Tensors.copyTo(this, destination);
    }

    /**
     * The single element of a scalar or one-element tensor.
     *
     * @throws IllegalStateException if the tensor has more than one element
     */
    public double item() {
        return Tensors.item(this);
    }

    /** The element at the given index, one coordinate per axis. */
    public double get(int... index) {
        return Tensors.get(this, index);
    }

    /** True if both tensors have the same shape and bit-identical elements. */
    public boolean valueEquals(Tensor other) {
        return shape.equals(other.shape) && Arrays.equals(data, other.data);
    }

    /** True if the shapes are equal and {@code |a - b| <= atol + rtol |b|} elementwise (NumPy's allclose). */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return Tensors.allClose(this, other, rtol, atol);
    }

    /**
     * This tensor's values as a constant for the gradient: no gradient flows back through the
     * result (PyTorch's {@code detach}, TensorFlow's {@code stop_gradient}). Outside any tape that
     * tracks this tensor it is a new leaf; under one it is recorded as an operation that sends no
     * gradient, so that a {@link CompiledStep} recomputes it instead of freezing it.
     */
    public Tensor detach() {
        return UnaryOps.STOP_GRADIENT.apply(this);
    }

    // ---------------------------------------------------------------- elementwise

    /** this + other, broadcast. */
    public Tensor add(Tensor other) {
        return Add.OP.apply(this, other);
    }

    /** this + c. */
    public Tensor add(double c) {
        return new ElementwiseOps.AddConstant(c).apply(this);
    }

    /** this - other, broadcast; composed as this + (-other). */
    public Tensor sub(Tensor other) {
        return Tensors.sub(this, other);
    }

    /** this - c. */
    public Tensor sub(double c) {
        return add(-c);
    }

    /** this * other, broadcast. */
    public Tensor mul(Tensor other) {
        return Mul.OP.apply(this, other);
    }

    /** this * c. */
    public Tensor mul(double c) {
        return new ElementwiseOps.MulConstant(c).apply(this);
    }

    /** this / other, broadcast. */
    public Tensor div(Tensor other) {
        return ElementwiseOps.Div.OP.apply(this, other);
    }

    /** this / c. */
    public Tensor div(double c) {
        return div(scalar(c));
    }

    /** -this; composed as this * -1. */
    public Tensor neg() {
        return mul(-1.0);
    }

    /** this ^ p elementwise, for a constant exponent. */
    public Tensor pow(double p) {
        return new UnaryOps.Pow(p).apply(this);
    }

    /** this * this. */
    public Tensor square() {
        return pow(2.0);
    }

    /** e ^ this. */
    public Tensor exp() {
        return UnaryOps.EXP.apply(this);
    }

    /** Natural logarithm. */
    public Tensor log() {
        return UnaryOps.LOG.apply(this);
    }

    /** Square root. */
    public Tensor sqrt() {
        return UnaryOps.SQRT.apply(this);
    }

    /** |this|; its gradient at 0 is 0. */
    public Tensor abs() {
        return UnaryOps.ABS.apply(this);
    }

    /** Hyperbolic tangent. */
    public Tensor tanh() {
        return Tanh.OP.apply(this);
    }

    /** The logistic function 1 / (1 + e^-x), computed stably. */
    public Tensor sigmoid() {
        return UnaryOps.SIGMOID.apply(this);
    }

    /** max(x, 0); its gradient at 0 is 0. */
    public Tensor relu() {
        return UnaryOps.RELU.apply(this);
    }

    /** sin x, elementwise (radians). */
    public Tensor sin() {
        return UnaryOps.SIN.apply(this);
    }

    /** cos x, elementwise (radians). */
    public Tensor cos() {
        return UnaryOps.COS.apply(this);
    }

    /** log(1 + e^x), computed without overflow. */
    public Tensor softplus() {
        return UnaryOps.SOFTPLUS.apply(this);
    }

    /**
     * The larger of this and other, broadcast, NaN if either is NaN (as {@link Math#max});
     * composed as where(this >= other or this is NaN, this, other), so on ties the gradient goes
     * to {@code this}.
     */
    public Tensor maximum(Tensor other) {
        return Tensors.maximum(this, other);
    }

    /** max(this, c). */
    public Tensor maximum(double c) {
        return maximum(scalar(c));
    }

    /**
     * The smaller of this and other, broadcast, NaN if either is NaN; on ties the gradient goes to
     * {@code this}.
     */
    public Tensor minimum(Tensor other) {
        return Tensors.minimum(this, other);
    }

    /** min(this, c). */
    public Tensor minimum(double c) {
        return minimum(scalar(c));
    }

    /**
     * Limits every element to [lo, hi]; the gradient is 1 inside the range (bounds included) and 0
     * outside. NaN stays NaN.
     */
    public Tensor clamp(double lo, double hi) {
        return Tensors.clamp(this, lo, hi);
    }

    /**
     * Elementwise choice: {@code a} where {@code condition} is non-zero, {@code b} elsewhere, all
     * three broadcast together. The condition is a constant (no gradient).
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return ElementwiseOps.Where.OP.apply(condition, a, b);
    }

    // ---------------------------------------------------------------- comparisons (no gradient)

    /**
     * 1 where this > other, else 0, broadcast. Not differentiable: no gradient flows back (under a
     * tape it is recorded, so that a {@link CompiledStep} recomputes it).
     */
    public Tensor greater(Tensor other) {
        return ElementwiseOps.Compare.GREATER.apply(this, other);
    }

    /** 1 where this > c, else 0; not differentiable. */
    public Tensor greater(double c) {
        return greater(scalar(c));
    }

    /** 1 where this >= other, else 0, broadcast; not differentiable. */
    public Tensor greaterEqual(Tensor other) {
        return ElementwiseOps.Compare.GREATER_EQUAL.apply(this, other);
    }

    /** The sign of each element (-1, 0 or 1); not differentiable. */
    public Tensor sign() {
        return UnaryOps.SIGN.apply(this);
    }

    // ---------------------------------------------------------------- reductions and shape

    /** The sum of all elements, as a scalar. */
    public Tensor sum() {
        return TensorShapes.sum(this);
    }

    /** The sum along {@code axis} (negative counts from the end), keeping it as size 1 or not. */
    public Tensor sum(int axis, boolean keepDims) {
        return TensorShapes.sum(this, axis, keepDims);
    }

    /**
     * Sums this tensor down to {@code target}, a shape it was broadcast from: the adjoint of
     * broadcasting, used by every backward rule of a broadcasting op.
     */
    public Tensor sumTo(Shape target) {
        return TensorShapes.sumTo(this, target);
    }

    /** The mean of all elements, as a scalar. */
    public Tensor mean() {
        return TensorShapes.mean(this);
    }

    /** The mean along {@code axis}. */
    public Tensor mean(int axis, boolean keepDims) {
        return TensorShapes.mean(this, axis, keepDims);
    }

    /** The largest element, as a scalar; the gradient goes to its first occurrence. */
    public Tensor max() {
        return TensorShapes.max(this);
    }

    /** The maximum along {@code axis}; the gradient goes to the first maximum of each slice. */
    public Tensor max(int axis, boolean keepDims) {
        return TensorShapes.max(this, axis, keepDims);
    }

    /** log(sum(exp(x))) over all elements, computed stably by shifting by the maximum. */
    public Tensor logSumExp() {
        return TensorShapes.logSumExp(this);
    }

    /**
     * log(sum(exp(x))) along {@code axis}, stable for any magnitude: m + log(sum(exp(x - m))) with
     * m the (constant) maximum, which cancels in the gradient, softmax(x).
     */
    public Tensor logSumExp(int axis, boolean keepDims) {
        return TensorShapes.logSumExp(this, axis, keepDims);
    }

    /** The same elements under a new shape of equal size; one dimension may be -1 (inferred). */
    public Tensor reshape(int... dims) {
        return TensorShapes.reshape(this, dims);
    }

    /** Copies the elements out to {@code dims}, NumPy's broadcast_to. */
    public Tensor broadcastTo(int... dims) {
        return TensorShapes.broadcastTo(this, dims);
    }

    /** Copies the elements out to {@code target}, NumPy's broadcast_to. */
    public Tensor broadcastTo(Shape target) {
        return TensorShapes.broadcastTo(this, target);
    }

    /** Reorders the axes: axis i of the result is axis {@code perm[i]} of this. */
    public Tensor permute(int... perm) {
        return TensorShapes.permute(this, perm);
    }

    /** Swaps the last two axes (a matrix transpose, batched). */
    public Tensor transpose() {
        return TensorShapes.transpose(this);
    }

    /** Elements {@code [start, end)} along {@code axis}. */
    public Tensor slice(int axis, int start, int end) {
        return TensorShapes.slice(this, axis, start, end);
    }

    /** Splits along {@code axis} into consecutive pieces of the given sizes (which must add up). */
    public List<Tensor> split(int axis, int... sizes) {
        return TensorShapes.split(this, axis, sizes);
    }

    /** Adds {@code before} zeros in front and {@code after} zeros behind along {@code axis}. */
    public Tensor pad(int axis, int before, int after) {
        return TensorShapes.pad(this, axis, before, after);
    }

    /** Joins tensors along {@code axis}; all other dimensions must be equal. */
    public static Tensor concat(int axis, Tensor... tensors) {
        return TensorShapes.concat(axis, tensors);
    }

    /** Joins tensors along {@code axis}. */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        return TensorShapes.concat(axis, tensors);
    }

    /**
     * Matrix product, NumPy's matmul: (..., n, k) @ (..., k, m) -> (..., n, m) with the leading
     * axes broadcast. A rank-1 left operand is treated as a row and a rank-1 right operand as a
     * column, and that axis is dropped from the result.
     */
    public Tensor matmul(Tensor other) {
        return TensorShapes.matmul(this, other);
    }

    // ---------------------------------------------------------------- text

    /**
     * Shape and values, nested by axis like NumPy, for example
     * {@code tensor([[1.0, 2.0], [3.0, 4.0]], shape=(2, 2))}; long axes are elided with "...".
     */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }
}
