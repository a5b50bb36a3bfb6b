package dev.gradtape.nn;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A named {@link Variable} that training updates: PyTorch's {@code Parameter}, a TensorFlow
 * variable with a name.
 *
 * <p>Reading it with {@link #value()} hands out an immutable tensor of the current values (the
 * same tensor until the next change) and registers it with every open {@link GradientTape} that
 * watches accessed variables, so a training step never has to name its parameters to the tape.
 * Optimisers change the values in place through the variable; a
 * {@link dev.gradtape.autodiff.CompiledStep} reads them from it.
 *
 * <p>This is the one place in nn that holds mutable state. A container such as
 * {@link Sequential} reports its children's parameters under longer names ("0.kernel"); the
 * renamed parameter is a view of the same variable, so assigning through either name changes both.
 * Like the optimisers that update it, a parameter belongs to one training thread at a time.
 */
public final class Parameter {
    /** What a parameter and its renamed views share: the variable, and whether it is trained. */
    private static final class Cell {
        final Variable variable;
        boolean trainable = true;

        Cell(Variable variable) {
            this.variable = variable;
        }
    }

    private final String name;
    private final Cell cell;

    /**
     * A trainable parameter holding a copy of {@code initial}.
     *
     * @param name the parameter's name, unique within its model
     * @param initial the initial values, copied
     * @throws IllegalArgumentException if the name is blank
     */
    public Parameter(String name, Tensor initial) {
        this(checkName(name), new Cell(new Variable(Objects.requireNonNull(initial,
                () -> "Parameter '" + name + "': the initial value is null"))));
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

    /** {@return the variable holding the values (shared with renamed views of this parameter)} */
    public Variable variable() {
        return cell.variable;
    }

    /**
     * The current value. Every open tape that watches accessed variables starts watching it, so
     * gradients with respect to it can be asked for. The same tensor is returned until the values
     * change.
     *
     * @return the current values as a tensor
     */
    public Tensor value() {
        return cell.variable.value();
    }

    /**
     * Replaces the values by those of {@code newValue} (copied, so nothing ties the parameter to
     * that tensor or its tape).
     *
     * @param newValue the new values, of this parameter's shape
     * @throws IllegalArgumentException naming this parameter and both shapes if the shapes differ
     */
    public void assign(Tensor newValue) {
        Objects.requireNonNull(newValue, () -> "Parameter '" + name + "'.assign: the value is null");
        checkShape("assign", newValue.shape());
        cell.variable.assign(newValue);
    }

    private void checkShape(String what, Shape shape) {
        if (!shape.equals(shape())) {
            throw new IllegalArgumentException("Parameter '" + name + "'." + what
                    + ": the new value has shape " + shape + " but the parameter has shape "
                    + shape() + "; a parameter keeps its shape");
        }
    }

    /** The current value without registering it with any tape: for optimisers and checkpoints. */
    Tensor current() {
        return cell.variable.current();
    }

    /**
     * Sets the value to {@code value} itself, not a copy, so that a tape watching {@code value}
     * sees it through this parameter: lets a gradient check drive a layer's parameters. Training
     * code uses {@link #assign}.
     */
    void bind(Tensor value) {
        checkShape("bind", value.shape());
        cell.variable.bindTo(value);
    }

    /** {@return the shape, fixed at construction} */
    public Shape shape() {
        return cell.variable.shape();
    }

    /** {@return the number of elements} */
    public int size() {
        return cell.variable.size();
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

    /**
     * The variables of {@code params}, in order: what {@code GradientTape.compile} takes.
     *
     * @param params the parameters
     * @return their variables
     */
    public static List<Variable> variables(List<Parameter> params) {
        List<Variable> out = new ArrayList<>(params.size());
        for (Parameter p : params) {
            out.add(p.variable());
        }
        return out;
    }

    /** For example {@code Parameter(0.kernel, shape=(2, 16))}. */
    @Override
    public String toString() {
        return "Parameter(" + name + ", shape=" + shape() + (trainable() ? "" : ", frozen") + ")";
    }
}
