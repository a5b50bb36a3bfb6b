package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.List;

/**
 * A scalar node for learners, in the spirit of micrograd's {@code Value}: write scalar
 * expressions, call {@link #backward()}, read each node's {@link #grad()}.
 *
 * <pre>{@code
 * try (GradientTape tape = new GradientTape()) {
 *     Value a = Value.of(2.0, "a"), b = Value.of(-3.0, "b");
 *     Value e = a.mul(b).add(a.pow(2)).tanh();
 *     e.backward();
 *     a.grad();   // de/da
 * }
 * }</pre>
 *
 * <p>A value is a thin wrapper of a rank-0 {@link Tensor}: its operations are the tensor
 * primitives, recorded on the same {@link GradientTape} and differentiated by the same backward
 * walk. There is no second engine.
 *
 * <p>Unlike tensors, values keep state: {@link #backward()} stores a gradient in every value made
 * on the tape (micrograd's {@code .grad}), replacing what an earlier backward stored.
 */
public final class Value {
    private final Tensor tensor;
    private final String label;
    private final String op;
    private final List<Value> children;
    private final GradientTape tape;
    private double grad;

    private Value(Tensor tensor, String label, String op, List<Value> children, GradientTape tape) {
        this.tensor = tensor;
        this.label = label;
        this.op = op;
        this.children = children;
        this.tape = tape;
        tape.values().add(this);
    }

    /**
     * A leaf value, watched by the innermost open tape.
     *
     * @param data the number it holds
     * @return the value, with the empty label
     * @throws IllegalStateException if no tape is open in this thread
     */
    public static Value of(double data) {
        return of(data, "");
    }

    /**
     * A labelled leaf value, watched by the innermost open tape.
     *
     * @param data the number it holds
     * @param label a name for it in graphs and printouts, such as {@code "a"}
     * @return the value
     * @throws IllegalStateException if no tape is open in this thread
     */
    public static Value of(double data, String label) {
        List<GradientTape> open = TapeState.get().open;
        if (open.isEmpty()) {
            throw new IllegalStateException("Value.of: no GradientTape is open in this thread; create"
                    + " values inside try (GradientTape tape = new GradientTape()) { ... }");
        }
        GradientTape tape = open.get(open.size() - 1);
        return new Value(tape.watch(Tensor.scalar(data)), label, "", List.of(), tape);
    }

    private Value derive(Tensor t, String op, Value... from) {
        return new Value(t, "", op, List.of(from), tape);
    }

    private Value constant(double c) {
        return new Value(Tensor.scalar(c), "", "", List.of(), tape);
    }

    /**
     * {@return this + other} Both partial derivatives are 1.
     *
     * @param other the value to add
     */
    public Value add(Value other) {
        return derive(tensor.add(other.tensor), "+", this, other);
    }

    /**
     * {@return this + c} The constant becomes a leaf value of its own, as micrograd wraps numbers.
     *
     * @param c the constant to add
     */
    public Value add(double c) {
        return add(constant(c));
    }

    /**
     * {@return this * other} d/d this = other and d/d other = this.
     *
     * @param other the factor
     */
    public Value mul(Value other) {
        return derive(tensor.mul(other.tensor), "*", this, other);
    }

    /**
     * {@return this * c}
     *
     * @param c the constant factor
     */
    public Value mul(double c) {
        return mul(constant(c));
    }

    /** {@return -this, built as this * -1} */
    public Value neg() {
        return mul(-1.0);
    }

    /**
     * {@return this - other, built as this + (-other)}
     *
     * @param other the value to subtract
     */
    public Value sub(Value other) {
        return add(other.neg());
    }

    /**
     * {@return this / other, built as this * other^-1 (micrograd's definition)}
     *
     * @param other the divisor
     */
    public Value div(Value other) {
        return mul(other.pow(-1.0));
    }

    /**
     * {@return this ^ p for a constant p} Its derivative is p * this^(p - 1).
     *
     * @param p the exponent, a constant (not differentiated)
     */
    public Value pow(double p) {
        return derive(tensor.pow(p), "**" + p, this);
    }

    /** {@return max(this, 0)} Its derivative is 1 for a positive value and 0 otherwise (also at 0). */
    public Value relu() {
        return derive(tensor.relu(), "relu", this);
    }

    /** {@return tanh(this)} Its derivative is 1 - tanh(this)^2. */
    public Value tanh() {
        return derive(tensor.tanh(), "tanh", this);
    }

    /** {@return e ^ this} Its derivative is e ^ this itself. */
    public Value exp() {
        return derive(tensor.exp(), "exp", this);
    }

    /** {@return log(this), the natural logarithm} Its derivative is 1 / this. */
    public Value log() {
        return derive(tensor.log(), "log", this);
    }

    /**
     * Computes d this / d v for every value v made on this value's tape and stores it in
     * {@code v.grad()}. On a non-persistent tape this may be called once.
     *
     * @return the walk that computed them, step by step (the tour narrates it); most callers
     *     ignore it
     */
    public BackwardWalk backward() {
        List<Value> all = new ArrayList<>(tape.values());
        List<Tensor> sources = new ArrayList<>(all.size());
        for (Value v : all) {
            sources.add(v.tensor);
        }
        BackwardWalk walk = tape.backwardWalk(tensor, sources, null, UnconnectedGradients.ZERO);
        for (int i = 0; i < all.size(); i++) {
            all.get(i).grad = walk.gradients().get(i).item();
        }
        return walk;
    }

    /** {@return the number this value holds} */
    public double data() {
        return tensor.item();
    }

    /** {@return the gradient stored by the last {@link #backward()} (0 before any)} */
    public double grad() {
        return grad;
    }

    /** {@return the label given at creation ("" for computed values)} */
    public String label() {
        return label;
    }

    /** {@return the operation that computed this value ("" for leaves and constants)} */
    public String op() {
        return op;
    }

    /** {@return the values this one was computed from, the edges a graph printout draws} */
    public List<Value> children() {
        return children;
    }

    /** {@return the rank-0 tensor underneath, for mixing values with tensor code} */
    public Tensor tensor() {
        return tensor;
    }

    @Override
    public String toString() {
        return "Value(" + (label.isEmpty() ? "" : label + "=") + "data=" + data() + ", grad=" + grad + ")";
    }
}
