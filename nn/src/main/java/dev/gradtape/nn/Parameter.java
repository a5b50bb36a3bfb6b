package dev.gradtape.nn;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.TensorSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named, mutable holder of a tensor that training updates: TensorFlow's {@code Variable},
 * PyTorch's {@code Parameter}.
 *
 * <p>A parameter keeps its values in an array of its own, which optimisers update in place;
 * {@link #value()} hands out an immutable tensor of the current values (the same tensor until the
 * next change, so a tape can follow it). Reading it with {@link #value()} registers that tensor with
 * every open {@link GradientTape} that watches accessed variables, so a training step never has to
 * name its parameters to the tape. A {@link dev.gradtape.autodiff.Replay} reads the values
 * without making a tensor at all, as a {@link TensorSource}.
 *
 * <p>This is the one place in nn that holds mutable state. A container such as
 * {@link Sequential} reports its children's parameters under longer names ("0.kernel"); the
 * renamed parameter is a view of the same variable, so assigning through either name changes both.
 * Like the optimisers that update it, a parameter belongs to one training thread at a time.
 */
public final class Parameter implements TensorSource {
    /**
     * The variable itself, shared by a parameter and its renamed views: the values, and the tensor
     * {@link #value()} last handed out for them (null once they changed).
     */
    private static final class Cell {
        final Shape shape;
        final double[] data;
        Tensor snapshot;
        boolean trainable = true;

        Cell(Tensor initial) {
            shape = initial.shape();
            data = initial.toArray();
        }
    }

    private final String name;
    private final Cell cell;

    /**
     * A trainable parameter holding {@code initial}.
     *
     * @param name the parameter's name, unique within its model
     * @param initial the initial values, copied
     * @throws IllegalArgumentException if the name is blank
     */
    public Parameter(String name, Tensor initial) {
        // a copy of the values: the parameter's value is a fresh leaf, never the output of a
        // recorded operation
        this(checkName(name), new Cell(Objects.requireNonNull(initial, () -> "Parameter '" + name
                + "': the initial value is null")));
    }

    private Parameter(String name, Cell cell) {
        this.name = name;
        this.cell = cell;
    }

    private static String checkName(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("Parameter: the name is '" + name
                    + "'; a parameter needs a non-blank name");
        }
        return name;
    }

    /** {@return the name, unique within a model, such as {@code "0.kernel"}} */
    public String name() {
        return name;
    }

    /**
     * The current value. Every open tape that watches accessed variables starts watching it, so
     * gradients with respect to it can be asked for. The same tensor is returned until the values
     * change.
     *
     * @return the current values as a tensor
     */
    public Tensor value() {
        return GradientTape.watchAccessed(current());
    }

    /**
     * Replaces the values by those of {@code newValue} (copied, so nothing ties the parameter to
     * that tensor or its tape).
     *
     * @param newValue the new values, of this parameter's shape
     * @throws IllegalArgumentException naming this parameter and both shapes if the shapes differ
     */
    public void assign(Tensor newValue) {
        Objects.requireNonNull(newValue, () -> "Parameter '" + name
                + "'.assign: the value is null");
        checkShape("assign", newValue.shape());
        newValue.copyTo(cell.data);
        cell.snapshot = null;
    }

    /**
     * Copies the current values into {@code destination} without making a tensor or telling any
     * tape: how a {@link dev.gradtape.autodiff.Replay} reads parameters.
     */
    @Override
    public void copyTo(double[] destination) {
        if (destination.length != cell.data.length) {
            throw new IllegalArgumentException("Parameter '" + name + "'.copyTo: the parameter has "
                    + cell.data.length + " values but the destination holds " + destination.length);
        }
        System.arraycopy(cell.data, 0, destination, 0, destination.length);
    }

    private void checkShape(String what, Shape shape) {
        if (!shape.equals(cell.shape)) {
            throw new IllegalArgumentException("Parameter '" + name + "'." + what
                    + ": the new value has shape " + shape + " but the parameter has shape "
                    + cell.shape + "; a parameter keeps its shape");
        }
    }

    /** The current value without registering it with any tape: for optimisers and checkpoints. */
    Tensor current() {
        Tensor t = cell.snapshot;
        if (t == null) {
            t = Tensor.of(cell.data, cell.shape);
            cell.snapshot = t;
        }
        return t;
    }

    /** The values themselves, for an optimiser to update in place; then call {@link #changed}. */
    double[] data() {
        return cell.data;
    }

    /** Forgets the tensor handed out for the old values, after an in-place update. */
    void changed() {
        cell.snapshot = null;
    }

    /**
     * Sets the value to {@code value} itself, not a copy, so that a tape watching {@code value}
     * sees it through this parameter: lets a gradient check drive a layer's parameters. Training
     * code uses {@link #assign}.
     */
    void bind(Tensor value) {
        checkShape("bind", value.shape());
        value.copyTo(cell.data);
        cell.snapshot = value;
    }

    /** The shape, fixed at construction. */
    @Override
    public Shape shape() {
        return cell.shape;
    }

    /** {@return the number of elements} */
    public int size() {
        return cell.data.length;
    }

    /** {@return whether optimisers update this parameter (true unless set otherwise)} */
    public boolean trainable() {
        return cell.trainable;
    }

    /**
     * Freezes ({@code false}) or unfreezes ({@code true}) this parameter.
     *
     * @param trainable whether optimisers update this parameter from now on
     */
    public void setTrainable(boolean trainable) {
        cell.trainable = trainable;
    }

    /**
     * A view of this same variable under the name {@code prefix + "." + name()}: used by
     * containers to make names unique within a model.
     *
     * @param prefix the container's name for this parameter's owner, such as {@code "0"}
     * @return a view that shares the values, the trainable flag and identity with this parameter
     */
    public Parameter prefixed(String prefix) {
        return new Parameter(checkName(prefix) + "." + name, cell);
    }

    /**
     * True if {@code other} is this variable, possibly under another name.
     *
     * @param other the parameter to compare with
     * @return whether both hold the same values, whatever their names
     */
    public boolean sameVariable(Parameter other) {
        return other != null && other.cell == cell;
    }

    /**
     * The current values of {@code params}, in order, each registered with open tapes.
     *
     * @param params the parameters to read
     * @return their values, one tensor per parameter, in order
     */
    public static List<Tensor> values(List<Parameter> params) {
        List<Tensor> out = new ArrayList<>(params.size());
        for (Parameter p : params) {
            out.add(p.value());
        }
        return out;
    }

    /** For example {@code Parameter(0.kernel, shape=(2, 16))}. */
    @Override
    public String toString() {
        return "Parameter(" + name + ", shape=" + shape() + (trainable() ? "" : ", frozen") + ")";
    }
}
