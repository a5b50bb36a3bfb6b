package dev.gradtape.autodiff;

import java.util.Objects;

/**
 * A mutable holder of values that training changes: TensorFlow's {@code tf.Variable}. Reading it
 * with {@link #value()} hands out an immutable tensor of the current values (the same tensor until
 * they change) and watches it on every open tape that watches accessed variables, so a training
 * step never has to name its variables to the tape. A {@link CompiledStep} reads the values
 * straight from the variable on each run, and an optimiser changes them in place with
 * {@link #update}; tensors handed out before never change.
 *
 * <p>A variable belongs to one training thread at a time.
 */
public final class Variable {
    private final Shape shape;
    private final double[] data;
    private Tensor snapshot;

    /**
     * A variable holding a copy of {@code initial}'s values.
     *
     * @param initial the starting values; their shape is the variable's for good
     */
    public Variable(Tensor initial) {
        Objects.requireNonNull(initial, "Variable: the initial value is null");
        shape = initial.shape;
        data = initial.data.clone();
    }

    /** {@return the shape, fixed at construction} */
    public Shape shape() {
        return shape;
    }

    /** {@return the number of elements} */
    public int size() {
        return data.length;
    }

    /**
     * The current value, watched on every open tape that watches accessed variables. The same
     * tensor is returned until the values change.
     *
     * @return an immutable tensor of the current values
     */
    public Tensor value() {
        return GradientTape.watchAccessed(current());
    }

    /** {@return the current value without telling any tape} */
    public Tensor current() {
        Tensor t = snapshot;
        if (t == null) {
            t = new Tensor(shape, data.clone());
            snapshot = t;
        }
        return t;
    }

    /**
     * Copies the current values, row-major, into {@code destination}.
     *
     * @param destination an array of length {@link #size()}
     * @throws IllegalArgumentException if the destination has another length
     */
    public void copyTo(double[] destination) {
        checkLength("copyTo", destination.length);
        System.arraycopy(data, 0, destination, 0, data.length);
    }

    /**
     * Replaces the values by a copy of {@code value}'s.
     *
     * @param value the new values, of the variable's shape (a tensor or a compiled step's view)
     * @throws IllegalArgumentException if the shapes differ
     */
    public void assign(TensorView value) {
        Objects.requireNonNull(value, "Variable.assign: the value is null");
        if (!value.shape().equals(shape)) {
            throw new IllegalArgumentException("Variable.assign: the new value has shape " + value.shape()
                    + " but the variable has shape " + shape + "; a variable keeps its shape");
        }
        value.copyTo(data);
        snapshot = null;
    }

    /**
     * Sets the value to {@code value} itself rather than a copy, so that a tape watching
     * {@code value} sees it wherever this variable is read: for driving a model's variables from
     * a gradient check. Training code uses {@link #assign}.
     *
     * @param value the tensor to read as this variable from now on, of the variable's shape
     * @throws IllegalArgumentException if the shapes differ
     */
    public void bindTo(Tensor value) {
        assign(value);
        snapshot = value;
    }

    /** An in-place change of a variable's values (an optimiser's update rule). */
    @FunctionalInterface
    public interface Update {
        /**
         * Changes {@code values} (the variable's own, row-major) in place.
         *
         * @param values the variable's own array, valid only until this method returns
         */
        void apply(double[] values);
    }

    /**
     * Changes the values in place: {@code update} receives the variable's own array, which it
     * may read and write until it returns (and must not keep). Tensors handed out by
     * {@link #value()} before keep their values.
     *
     * @param update the in-place rule, such as one step of an optimiser
     */
    public void update(Update update) {
        snapshot = null;
        update.apply(data);
    }

    /** The values themselves, for a compiled step to read. */
    double[] data() {
        return data;
    }

    private void checkLength(String what, int length) {
        if (length != data.length) {
            throw new IllegalArgumentException("Variable." + what + ": the variable has " + data.length
                    + " values (shape " + shape + ") but the array holds " + length);
        }
    }

    @Override
    public String toString() {
        return "Variable(shape=" + shape + ")";
    }
}
