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
     * @param data the elements, last axis fastest; copied, so the caller may reuse the array
     * @param shape the dimensions, outermost first; none for a scalar
     * @return the tensor, a leaf that no tape tracks yet
     * @throws IllegalArgumentException if a dimension is negative or the data length is not the
     *     product of the dimensions
     */
    public static Tensor of(double[] data, int... shape) {
        return Tensors.of(data, shape);
    }

    /**
     * A tensor of the given shape holding a copy of {@code data} in row-major order.
     *
     * @param data the elements, last axis fastest; copied
     * @param shape the shape, whose size must be {@code data.length}
     * @return the tensor
     * @throws IllegalArgumentException if the data length is not the shape's size
     */
    public static Tensor of(double[] data, Shape shape) {
        return Tensors.of(data, shape);
    }

    /**
     * {@return a rank-1 tensor holding a copy of {@code values}}
     *
     * @param values the elements, of any number (none gives shape {@code (0)})
     */
    public static Tensor vector(double... values) {
        return of(values, values.length);
    }

    /**
     * {@return a rank-2 tensor from rows of equal length, of shape (rows, columns)}
     *
     * @param rows the rows, copied, all of the same length (no rows give shape {@code (0, 0)})
     * @throws IllegalArgumentException if the rows' lengths differ
     */
    public static Tensor matrix(double[][] rows) {
        return Tensors.matrix(rows);
    }

    /**
     * {@return a rank-0 tensor, shape {@code ()}}
     *
     * @param value its one element
     */
    public static Tensor scalar(double value) {
        return new Tensor(Shape.SCALAR, new double[] {value});
    }

    /**
     * {@return a tensor of zeros}
     *
     * @param shape the dimensions; none for a scalar
     */
    public static Tensor zeros(int... shape) {
        return zeros(Shape.of(shape));
    }

    /**
     * {@return a tensor of zeros of the given shape}
     *
     * @param shape the shape
     */
    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new double[shape.size()]);
    }

    /**
     * {@return a tensor of ones}
     *
     * @param shape the dimensions; none for a scalar
     */
    public static Tensor ones(int... shape) {
        return ones(Shape.of(shape));
    }

    /**
     * {@return a tensor of ones of the given shape}
     *
     * @param shape the shape
     */
    public static Tensor ones(Shape shape) {
        return full(1.0, shape);
    }

    /**
     * {@return a tensor filled with {@code value}}
     *
     * @param value every element's value
     * @param shape the dimensions; none for a scalar
     */
    public static Tensor full(double value, int... shape) {
        return full(value, Shape.of(shape));
    }

    /**
     * {@return a tensor of the given shape filled with {@code value}}
     *
     * @param value every element's value
     * @param shape the shape
     */
    public static Tensor full(double value, Shape shape) {
        return Tensors.full(value, shape);
    }

    /**
     * {@return 0, 1, ..., n - 1 as a rank-1 tensor}
     *
     * @param n the number of values, at least 0
     */
    public static Tensor arange(int n) {
        return Tensors.arange(n);
    }

    /**
     * {@return standard normal values drawn from {@code rng}, in row-major order}
     *
     * @param rng the source of randomness; the tensor takes {@code size} draws from it
     * @param shape the dimensions
     */
    public static Tensor randn(RandomGenerator rng, int... shape) {
        return Tensors.randn(rng, shape);
    }

    /**
     * {@return standard normal values from a {@link SplittableRandom} seeded with {@code seed}}
     *
     * @param seed the seed; the same seed and shape give the same tensor, bit for bit
     * @param shape the dimensions
     */
    public static Tensor randn(long seed, int... shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    /**
     * {@return standard normal values of the given shape drawn from {@code rng}, in row-major
     * order}
     *
     * @param rng the source of randomness
     * @param shape the shape
     */
    public static Tensor randn(RandomGenerator rng, Shape shape) {
        return Tensors.randn(rng, shape);
    }

    /**
     * Standard normal values of the given shape from a {@link SplittableRandom} seeded with
     * {@code seed}: the same seed and shape give the same tensor, bit for bit.
     *
     * @param seed the seed
     * @param shape the shape
     * @return the tensor
     */
    public static Tensor randn(long seed, Shape shape) {
        return randn(new SplittableRandom(seed), shape);
    }

    /**
     * {@code count} evenly spaced values from {@code start} to {@code end}, both included (NumPy's
     * linspace): value i is start + i (end - start) / (count - 1), and the last is exactly end.
     *
     * @param start the first value
     * @param end the last value (when count is at least 2)
     * @param count the number of values, at least 0; 1 gives just {@code start}
     * @return a rank-1 tensor of {@code count} values
     * @throws IllegalArgumentException if count is negative or an end point is not finite
     */
    public static Tensor linspace(double start, double end, int count) {
        return Tensors.linspace(start, end, count);
    }

    /**
     * {@return values uniform in [lo, hi) drawn from {@code rng}, in row-major order}
     *
     * @param rng the source of randomness
     * @param lo the lower bound, included
     * @param hi the upper bound, excluded; greater than {@code lo}
     * @param shape the dimensions
     * @throws IllegalArgumentException if the range is empty or not finite
     */
    public static Tensor uniform(RandomGenerator rng, double lo, double hi, int... shape) {
        return Tensors.uniform(rng, lo, hi, shape);
    }

    /**
     * {@return values uniform in [lo, hi) from a {@link SplittableRandom} seeded with {@code seed}}
     *
     * @param seed the seed; the same arguments give the same tensor
     * @param lo the lower bound, included
     * @param hi the upper bound, excluded
     * @param shape the dimensions
     */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return uniform(new SplittableRandom(seed), lo, hi, shape);
    }

    // ---------------------------------------------------------------- reading

    /** {@return the shape} */
    @Override
    public Shape shape() {
        return shape;
    }

    /** {@return the number of axes; 0 for a scalar} */
    public int rank() {
        return shape.rank();
    }

    /** {@return the number of elements} */
    public int size() {
        return data.length;
    }

    /** {@return a copy of the elements in row-major order} */
    public double[] toArray() {
        return data.clone();
    }

    /**
     * Copies the elements in row-major order into {@code destination}, for loops that reuse one
     * array instead of allocating with {@link #toArray()} (optimisers, for example).
     *
     * @param destination an array of length {@link #size()}
     * @throws IllegalArgumentException if the destination's length is not this tensor's size
     */
    @Override
    public void copyTo(double[] destination) {
        Tensors.copyTo(this, destination);
    }

    /**
     * The single element of a scalar or one-element tensor.
     *
     * @return the element, as a Java number (reading it records nothing)
     * @throws IllegalStateException if the tensor has more than one element
     */
    public double item() {
        return Tensors.item(this);
    }

    /**
     * {@return the element at the given index, one coordinate per axis}
     *
     * @param index one coordinate per axis, each in {@code [0, dim)}; none for a scalar
     * @throws IllegalArgumentException if the index has not one coordinate per axis
     * @throws IndexOutOfBoundsException if a coordinate is out of range
     */
    public double get(int... index) {
        return Tensors.get(this, index);
    }

    /**
     * {@return true if both tensors have the same shape and bit-identical elements}
     *
     * @param other the tensor to compare with
     */
    public boolean valueEquals(Tensor other) {
        return shape.equals(other.shape) && Arrays.equals(data, other.data);
    }

    /**
     * {@return true if the shapes are equal and {@code |a - b| <= atol + rtol |b|} elementwise
     * (NumPy's allclose)} Here a is this tensor's element and b the other's.
     *
     * @param other the reference tensor (b)
     * @param rtol the relative tolerance
     * @param atol the absolute tolerance
     */
    public boolean allClose(Tensor other, double rtol, double atol) {
        return Tensors.allClose(this, other, rtol, atol);
    }

    /**
     * This tensor's values as a constant for the gradient: no gradient flows back through the
     * result (PyTorch's {@code detach}, TensorFlow's {@code stop_gradient}). Outside any tape that
     * tracks this tensor it is a new leaf; under one it is recorded as an operation that sends no
     * gradient, so that a {@link CompiledStep} recomputes it instead of freezing it.
     *
     * @return a tensor of the same shape and values through which no gradient flows
     */
    public Tensor detach() {
        return UnaryOps.STOP_GRADIENT.apply(this);
    }

    // ---------------------------------------------------------------- elementwise

    /**
     * {@return this + other, broadcast} A primitive: each operand's gradient is the incoming
     * gradient summed down to its shape ({@link #sumTo}).
     *
     * @param other the addend, of a shape that broadcasts with this one
     */
    public Tensor add(Tensor other) {
        return Add.OP.apply(this, other);
    }

    /**
     * {@return this + c} The gradient passes through unchanged; c is frozen into the operation.
     *
     * @param c the constant to add
     */
    public Tensor add(double c) {
        return new ElementwiseOps.AddConstant(c).apply(this);
    }

    /**
     * {@return this - other, broadcast; composed as this + (-other)}
     *
     * @param other the subtrahend, of a shape that broadcasts with this one
     */
    public Tensor sub(Tensor other) {
        return Tensors.sub(this, other);
    }

    /**
     * {@return this - c, as this + (-c)}
     *
     * @param c the constant to subtract
     */
    public Tensor sub(double c) {
        return add(-c);
    }

    /**
     * {@return this * other, broadcast} A primitive: d/d this = other and d/d other = this, each
     * times the incoming gradient and summed down to the operand's shape.
     *
     * @param other the factor, of a shape that broadcasts with this one
     */
    public Tensor mul(Tensor other) {
        return Mul.OP.apply(this, other);
    }

    /**
     * {@return this * c} The gradient is c times the incoming gradient.
     *
     * @param c the constant factor
     */
    public Tensor mul(double c) {
        return new ElementwiseOps.MulConstant(c).apply(this);
    }

    /**
     * {@return this / other, broadcast} A primitive: d/d this = 1 / other and
     * d/d other = -this / other^2.
     *
     * @param other the divisor, of a shape that broadcasts with this one
     */
    public Tensor div(Tensor other) {
        return ElementwiseOps.Div.OP.apply(this, other);
    }

    /**
     * {@return this / c}
     *
     * @param c the constant divisor
     */
    public Tensor div(double c) {
        return div(scalar(c));
    }

    /** {@return -this; composed as this * -1} */
    public Tensor neg() {
        return mul(-1.0);
    }

    /**
     * {@return this ^ p elementwise, for a constant exponent} Its derivative is p this^(p - 1).
     *
     * @param p the exponent, a constant (no gradient flows to it)
     */
    public Tensor pow(double p) {
        return new UnaryOps.Pow(p).apply(this);
    }

    /** {@return this * this, elementwise; composed as this ^ 2} */
    public Tensor square() {
        return pow(2.0);
    }

    /** {@return e ^ this, elementwise} Its derivative is the output itself. */
    public Tensor exp() {
        return UnaryOps.EXP.apply(this);
    }

    /** {@return the natural logarithm, elementwise} Its derivative is 1 / x. */
    public Tensor log() {
        return UnaryOps.LOG.apply(this);
    }

    /**
     * {@return the square root, elementwise} Its derivative is 1 / (2 sqrt x), infinite at 0.
     */
    public Tensor sqrt() {
        return UnaryOps.SQRT.apply(this);
    }

    /** {@return |this|, elementwise} Its derivative is sign(x), so its gradient at 0 is 0. */
    public Tensor abs() {
        return UnaryOps.ABS.apply(this);
    }

    /** {@return the hyperbolic tangent, elementwise} Its derivative is 1 - tanh(x)^2. */
    public Tensor tanh() {
        return Tanh.OP.apply(this);
    }

    /**
     * {@return the logistic function 1 / (1 + e^-x), computed stably} Its derivative is
     * sigmoid(x) (1 - sigmoid(x)).
     */
    public Tensor sigmoid() {
        return UnaryOps.SIGMOID.apply(this);
    }

    /** {@return max(x, 0), elementwise} Its derivative is 1 where x is positive, else 0 (also at 0). */
    public Tensor relu() {
        return UnaryOps.RELU.apply(this);
    }

    /** {@return sin x, elementwise (radians)} Its derivative is cos x. */
    public Tensor sin() {
        return UnaryOps.SIN.apply(this);
    }

    /** {@return cos x, elementwise (radians)} Its derivative is -sin x. */
    public Tensor cos() {
        return UnaryOps.COS.apply(this);
    }

    /**
     * {@return log(1 + e^x), computed without overflow} Its derivative is sigmoid(x).
     */
    public Tensor softplus() {
        return UnaryOps.SOFTPLUS.apply(this);
    }

    /**
     * The larger of this and other, broadcast, NaN if either is NaN (as {@link Math#max});
     * composed as where(this >= other or this is NaN, this, other), so on ties the gradient goes
     * to {@code this}.
     *
     * @param other the other operand, of a shape that broadcasts with this one
     * @return the elementwise maximum, of the broadcast shape
     */
    public Tensor maximum(Tensor other) {
        return Tensors.maximum(this, other);
    }

    /**
     * {@return max(this, c), elementwise}
     *
     * @param c the constant to compare with; on ties the gradient goes to {@code this}
     */
    public Tensor maximum(double c) {
        return maximum(scalar(c));
    }

    /**
     * The smaller of this and other, broadcast, NaN if either is NaN; on ties the gradient goes to
     * {@code this}.
     *
     * @param other the other operand, of a shape that broadcasts with this one
     * @return the elementwise minimum, of the broadcast shape
     */
    public Tensor minimum(Tensor other) {
        return Tensors.minimum(this, other);
    }

    /**
     * {@return min(this, c), elementwise}
     *
     * @param c the constant to compare with; on ties the gradient goes to {@code this}
     */
    public Tensor minimum(double c) {
        return minimum(scalar(c));
    }

    /**
     * Limits every element to [lo, hi]; the gradient is 1 inside the range (bounds included) and 0
     * outside. NaN stays NaN.
     *
     * @param lo the lower bound
     * @param hi the upper bound, at least {@code lo}
     * @return the clamped tensor, of this shape
     */
    public Tensor clamp(double lo, double hi) {
        return Tensors.clamp(this, lo, hi);
    }

    /**
     * Elementwise choice: {@code a} where {@code condition} is non-zero, {@code b} elsewhere, all
     * three broadcast together. The condition is a constant (no gradient).
     *
     * @param condition the mask, often from {@link #greater}; non-zero selects {@code a}
     * @param a the values where the condition holds; it gets the incoming gradient there
     * @param b the values elsewhere; it gets the incoming gradient where the condition fails
     * @return the choice, of the three operands' broadcast shape
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return ElementwiseOps.Where.OP.apply(condition, a, b);
    }

    // ---------------------------------------------------------------- comparisons (no gradient)

    /**
     * 1 where this > other, else 0, broadcast. Not differentiable: no gradient flows back (under a
     * tape it is recorded, so that a {@link CompiledStep} recomputes it).
     *
     * @param other the operand to compare with, of a shape that broadcasts with this one
     * @return a tensor of ones and zeros, of the broadcast shape
     */
    public Tensor greater(Tensor other) {
        return ElementwiseOps.Compare.GREATER.apply(this, other);
    }

    /**
     * {@return 1 where this &gt; c, else 0; not differentiable}
     *
     * @param c the threshold
     */
    public Tensor greater(double c) {
        return greater(scalar(c));
    }

    /**
     * {@return 1 where this &gt;= other, else 0, broadcast; not differentiable}
     *
     * @param other the operand to compare with, of a shape that broadcasts with this one
     */
    public Tensor greaterEqual(Tensor other) {
        return ElementwiseOps.Compare.GREATER_EQUAL.apply(this, other);
    }

    /** {@return the sign of each element (-1, 0 or 1); not differentiable} */
    public Tensor sign() {
        return UnaryOps.SIGN.apply(this);
    }

    // ---------------------------------------------------------------- reductions and shape

    /**
     * {@return the sum of all elements, as a scalar} Its backward broadcasts the incoming gradient
     * back to this shape.
     */
    public Tensor sum() {
        return TensorShapes.sum(this);
    }

    /**
     * {@return the sum along {@code axis}}
     *
     * @param axis the axis to sum over; a negative axis counts from the end
     * @param keepDims true to keep the axis with size 1, so that the result broadcasts against
     *     this tensor; false to drop it
     */
    public Tensor sum(int axis, boolean keepDims) {
        return TensorShapes.sum(this, axis, keepDims);
    }

    /**
     * Sums this tensor down to {@code target}, a shape it was broadcast from: the adjoint of
     * broadcasting, used by every backward rule of a broadcasting op.
     *
     * @param target a shape that broadcasts to this tensor's shape
     * @return the sums, of shape {@code target}
     */
    public Tensor sumTo(Shape target) {
        return TensorShapes.sumTo(this, target);
    }

    /** {@return the mean of all elements, as a scalar; composed as sum() / size()} */
    public Tensor mean() {
        return TensorShapes.mean(this);
    }

    /**
     * {@return the mean along {@code axis}}
     *
     * @param axis the axis to average over; a negative axis counts from the end
     * @param keepDims true to keep the axis with size 1, false to drop it
     */
    public Tensor mean(int axis, boolean keepDims) {
        return TensorShapes.mean(this, axis, keepDims);
    }

    /**
     * {@return the largest element, as a scalar} The gradient goes to its first occurrence only,
     * so that it sums to the incoming gradient.
     */
    public Tensor max() {
        return TensorShapes.max(this);
    }

    /**
     * {@return the maximum along {@code axis}} The gradient goes to the first maximum of each slice.
     *
     * @param axis the axis to reduce; a negative axis counts from the end
     * @param keepDims true to keep the axis with size 1, false to drop it
     */
    public Tensor max(int axis, boolean keepDims) {
        return TensorShapes.max(this, axis, keepDims);
    }

    /**
     * {@return log(sum(exp(x))) over all elements, as a scalar} Computed stably by shifting by the
     * maximum; its gradient is softmax(x).
     */
    public Tensor logSumExp() {
        return TensorShapes.logSumExp(this);
    }

    /**
     * log(sum(exp(x))) along {@code axis}, stable for any magnitude: m + log(sum(exp(x - m))) with
     * m the (constant) maximum, which cancels in the gradient, softmax(x).
     *
     * @param axis the axis to reduce; a negative axis counts from the end
     * @param keepDims true to keep the axis with size 1, false to drop it
     * @return the log-sum-exp of each slice along {@code axis}
     */
    public Tensor logSumExp(int axis, boolean keepDims) {
        return TensorShapes.logSumExp(this, axis, keepDims);
    }

    /**
     * {@return the same elements, in the same row-major order, under a new shape of equal size}
     * Its backward reshapes the gradient back.
     *
     * @param dims the new dimensions; one of them may be -1, inferred from the size
     */
    public Tensor reshape(int... dims) {
        return TensorShapes.reshape(this, dims);
    }

    /**
     * {@return the elements copied out to {@code dims}, NumPy's broadcast_to} Its backward is
     * {@link #sumTo}.
     *
     * @param dims a shape this tensor's shape broadcasts to
     */
    public Tensor broadcastTo(int... dims) {
        return TensorShapes.broadcastTo(this, dims);
    }

    /**
     * {@return the elements copied out to {@code target}, NumPy's broadcast_to}
     *
     * @param target a shape this tensor's shape broadcasts to
     */
    public Tensor broadcastTo(Shape target) {
        return TensorShapes.broadcastTo(this, target);
    }

    /**
     * {@return the tensor with its axes reordered: axis i of the result is axis {@code perm[i]}
     * of this} Its backward permutes the gradient by the inverse permutation.
     *
     * @param perm a permutation of 0 to rank - 1
     */
    public Tensor permute(int... perm) {
        return TensorShapes.permute(this, perm);
    }

    /** {@return the tensor with its last two axes swapped (a matrix transpose, batched)} */
    public Tensor transpose() {
        return TensorShapes.transpose(this);
    }

    /**
     * {@return elements {@code [start, end)} along {@code axis}} Its backward pads the gradient
     * with zeros back to this shape ({@link #pad}).
     *
     * @param axis the axis to cut; a negative axis counts from the end
     * @param start the first index kept
     * @param end the index after the last one kept, from {@code start} to the axis's size
     */
    public Tensor slice(int axis, int start, int end) {
        return TensorShapes.slice(this, axis, start, end);
    }

    /**
     * {@return consecutive pieces along {@code axis}, one slice per size}
     *
     * @param axis the axis to split; a negative axis counts from the end
     * @param sizes each piece's size along the axis, at least 0; they must add up to its size
     */
    public List<Tensor> split(int axis, int... sizes) {
        return TensorShapes.split(this, axis, sizes);
    }

    /**
     * {@return this tensor with {@code before} zeros in front and {@code after} zeros behind along
     * {@code axis}} Its backward slices the gradient back out.
     *
     * @param axis the axis to pad; a negative axis counts from the end
     * @param before the number of zeros in front, at least 0
     * @param after the number of zeros behind, at least 0
     */
    public Tensor pad(int axis, int before, int after) {
        return TensorShapes.pad(this, axis, before, after);
    }

    /**
     * {@return the tensors joined along {@code axis}} Its backward slices the gradient into one
     * piece per tensor.
     *
     * @param axis the axis to join along; a negative axis counts from the end
     * @param tensors at least one tensor, all of one rank, with all other dimensions equal
     */
    public static Tensor concat(int axis, Tensor... tensors) {
        return TensorShapes.concat(axis, tensors);
    }

    /**
     * {@return the tensors joined along {@code axis}}
     *
     * @param axis the axis to join along; a negative axis counts from the end
     * @param tensors at least one tensor, all of one rank, with all other dimensions equal
     */
    public static Tensor concat(int axis, List<Tensor> tensors) {
        return TensorShapes.concat(axis, tensors);
    }

    /**
     * Matrix product, NumPy's matmul: (..., n, k) @ (..., k, m) -> (..., n, m) with the leading
     * axes broadcast. A rank-1 left operand is treated as a row and a rank-1 right operand as a
     * column, and that axis is dropped from the result. For C = A B the gradients are
     * dA = dC B^T and dB = A^T dC, summed over broadcast leading axes.
     *
     * @param other the right operand, of rank at least 1 like this one; its k axis (the
     *     second-to-last, or the only one) must match this one's last
     * @return the product
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
