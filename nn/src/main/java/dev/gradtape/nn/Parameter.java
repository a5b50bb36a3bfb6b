package dev.gradtape.nn;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named, mutable holder of a tensor that training updates: TensorFlow's {@code Variable},
 * PyTorch's {@code Parameter}.
 *
 * <p>Tensors are immutable, so a parameter changes by {@link #assign being assigned} a new tensor
 * of the same shape. Reading it with {@link #value()} registers the current tensor with every open
 * {@link GradientTape} that watches accessed variables, so a training step never has to name its
 * parameters to the tape.
 *
 * <p>This is the one place in nn that holds mutable state. A container such as
 * {@link Sequential} reports its children's parameters under longer names ("0.kernel"); the
 * renamed parameter is a view of the same variable, so assigning through either name changes both.
 */
public final class Parameter {
    /** The variable itself, shared by a parameter and its renamed views. */
    private static final class Cell {
        Tensor value;
        boolean trainable = true;
    }

    private final String name;
    private final Cell cell;

    /**
     * A trainable parameter holding {@code initial}.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public Parameter(String name, Tensor initial) {
        this(checkName(name), new Cell());
        Objects.requireNonNull(initial, () -> "Parameter '" + name
                + "': the initial value is null");
        // detach: the parameter's value is a fresh leaf, never the output of a recorded operation
        cell.value = initial.detach();
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

    /** The name, unique within a model, such as {@code "0.kernel"}. */
    public String name() {
        return name;
    }

    /**
     * The current value. Every open tape that watches accessed variables starts watching it, so
     * gradients with respect to it can be asked for.
     */
    public Tensor value() {
        return GradientTape.watchAccessed(cell.value);
    }

    /**
     * Replaces the value by {@code newValue} (detached from any tape).
     *
     * @throws IllegalArgumentException naming this parameter and both shapes if the shapes differ
     */
    public void assign(Tensor newValue) {
        Objects.requireNonNull(newValue, () -> "Parameter '" + name
                + "'.assign: the value is null");
        if (!newValue.shape().equals(cell.value.shape())) {
            throw new IllegalArgumentException("Parameter '" + name
                    + "'.assign: the new value has shape "
                    + newValue.shape() + " but the parameter has shape " + cell.value.shape()
                    + "; a parameter keeps its shape");
        }
        cell.value = newValue.detach();
    }

    /** The current value without registering it with any tape: for optimisers and checkpoints. */
    Tensor current() {
        return cell.value;
    }

    /**
     * Sets the value to {@code value} itself, not detached, so that a tape watching
     * {@code value} sees it through this parameter: lets a gradient check drive a layer's
     * parameters. Training code uses {@link #assign}.
     */
    void bind(Tensor value) {
        if (!value.shape().equals(cell.value.shape())) {
            throw new IllegalArgumentException("Parameter '" + name + "'.bind: shape "
                    + value.shape()
                    + " differs from the parameter's shape " + cell.value.shape());
        }
        cell.value = value;
    }

    /** The shape, fixed at construction. */
    public Shape shape() {
        return cell.value.shape();
    }

    /** The number of elements. */
    public int size() {
        return cell.value.size();
    }

    /** Whether optimisers update this parameter (true unless set otherwise). */
    public boolean trainable() {
        return cell.trainable;
    }

    /** Freezes ({@code false}) or unfreezes ({@code true}) this parameter. */
    public void setTrainable(boolean trainable) {
        cell.trainable = trainable;
    }

    /**
     * A view of this same variable under the name {@code prefix + "." + name()}: used by
     * containers to make names unique within a model.
     */
    public Parameter prefixed(String prefix) {
        return new Parameter(checkName(prefix) + "." + name, cell);
    }

    /** True if {@code other} is this variable, possibly under another name. */
    public boolean sameVariable(Parameter other) {
        return other != null && other.cell == cell;
    }

    /** The current values of {@code params}, in order, each registered with open tapes. */
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
