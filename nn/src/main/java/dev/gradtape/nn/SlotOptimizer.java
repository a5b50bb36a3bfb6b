package dev.gradtape.nn;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.TensorView;
import dev.gradtape.autodiff.Variable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The bookkeeping every optimiser shares: checking arguments, the step count, the learning-rate
 * schedule and per-parameter slots (arrays such as Adam's m and v, created as zeros on a
 * parameter's first update). Subclasses write only the update rule, {@link #update}.
 */
abstract class SlotOptimizer implements Optimizer {
    private final String kind;
    private final LearningRateSchedule schedule;
    private final List<String> slotNames;
    private long iterations;
    /** Parameter name to its slots (in {@link #slotNames} order) and shape; insertion order. */
    private Map<String, Slots> slots = new LinkedHashMap<>();
    /** The parameters {@link #resolve} last checked, and their slots; reset by loadState. */
    private Parameter[] resolvedFor;
    private Slots[] resolved;
    /** Whether two of the resolved parameters are views of one variable. */
    private boolean resolvedShare;

    /**
     * A parameter's slots, and two scratch arrays the update reads the gradient from and computes
     * the new value in; it is also the in-place update handed to the parameter's variable, so
     * that a step allocates nothing.
     */
    private final class Slots implements Variable.Update {
        final Shape shape;
        final double[][] arrays;
        final double[] gradient;
        final double[] theta;
        long t;
        double lr;

        Slots(Shape shape, double[][] arrays) {
            this.shape = shape;
            this.arrays = arrays;
            this.gradient = new double[shape.size()];
            this.theta = new double[shape.size()];
        }

        Shape shape() {
            return shape;
        }

        double[][] arrays() {
            return arrays;
        }

        double[] gradient() {
            return gradient;
        }

        double[] theta() {
            return theta;
        }

        @Override
        public void apply(double[] values) {
            update(values, gradient, arrays, t, lr);
        }
    }

    SlotOptimizer(String kind, LearningRateSchedule schedule, List<String> slotNames) {
        this.kind = kind;
        this.schedule = Objects.requireNonNull(schedule, () -> kind + ": the schedule is null");
        this.slotNames = List.copyOf(slotNames);
    }

    /**
     * The slots of each parameter (null for frozen ones), after checking that names are unique and
     * that held state fits; missing slots are created as zeros. The answer is remembered for the
     * same parameters (by identity), so a training loop that passes the same parameters every step
     * pays for the checks and look-ups once.
     */
    private Slots[] resolve(List<Parameter> params) {
        Parameter[] seen = resolvedFor;
        if (seen != null && seen.length == params.size()) {
            boolean same = true;
            for (int i = 0; same && i < seen.length; i++) {
                Parameter p = params.get(i);
                same = seen[i] == p && (resolved[i] != null) == p.trainable();
            }
            if (same) {
                return resolved;
            }
        }
        return resolveAgain(params);
    }

    /**
     * The checks and look-ups of {@link #resolve}, kept out of it: the JIT compiles the short
     * check above in a few milliseconds, where with this body (maps, lambdas, messages) inlined it
     * took a hundred, while the training loop ran slower code.
     */
    private Slots[] resolveAgain(List<Parameter> params) {
        Set<String> names = new HashSet<>();
        for (Parameter p : params) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException(kind + ".apply: two parameters are named '"
                        + p.name()
                        + "'; optimiser state is keyed by name, so names must be unique");
            }
            Slots s = p.trainable() ? slots.get(p.name()) : null;
            if (s != null && !s.shape().equals(p.shape())) {
                throw new IllegalArgumentException(kind + ".apply: parameter '" + p.name()
                        + "' has shape "
                        + p.shape() + " but this optimiser holds state of shape " + s.shape()
                        + " under that name; use one optimiser per model");
            }
        }
        Slots[] result = new Slots[params.size()];
        for (int i = 0; i < result.length; i++) {
            Parameter p = params.get(i);
            if (p.trainable()) {
                result[i] = slots.computeIfAbsent(p.name(), n -> newSlots(p.shape()));
            }
        }
        resolvedFor = params.toArray(new Parameter[0]);
        resolved = result;
        resolvedShare = false;
        for (int i = 0; i < resolvedFor.length; i++) {
            for (int j = i + 1; j < resolvedFor.length; j++) {
                resolvedShare |= resolvedFor[i].sameVariable(resolvedFor[j]);
            }
        }
        return result;
    }

    /**
     * Updates one parameter in place.
     *
     * @param theta the parameter's values, to be overwritten with the new ones
     * @param g its gradient
     * @param slots this parameter's slots, in the order of the slot names, to be updated
     * @param t the number of this update, counting from 1
     * @param lr the learning rate for this update
     */
    abstract void update(double[] theta, double[] g, double[][] slots, long t, double lr);

    /** The hyper-parameters, for {@code toString()}. */
    abstract String describe();

    /** {@return the schedule the learning rate follows} */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    @Override
    public final void apply(List<Parameter> params, List<? extends TensorView> grads) {
        if (params == null) { // no lambda: this runs every training step
            throw new NullPointerException(kind + ".apply: params is null");
        }
        if (grads == null) { // no lambda: this runs every training step
            throw new NullPointerException(kind + ".apply: grads is null");
        }
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(kind + ".apply: " + params.size()
                    + " parameters but "
                    + grads.size()
                    + " gradients; pass one gradient per parameter, in the same order");
        }
        for (int i = 0; i < params.size(); i++) {
            TensorView g = grads.get(i);
            checkGradient(params, i, g == null ? null : g.shape());
        }
        step(params, grads);
    }

    private void checkGradient(List<Parameter> params, int i, Shape gradShape) {
        Parameter p = params.get(i);
        if (p == null) { // checked without a lambda: this loop runs every training step
            throw new NullPointerException(kind + ".apply: parameter " + i + " is null");
        }
        if (p.trainable() && (gradShape == null || !gradShape.equals(p.shape()))) {
            throw wrongGradientShape(p, gradShape);
        }
    }

    /** Built out of line, so the check's method stays small for the JIT. */
    private IllegalArgumentException wrongGradientShape(Parameter p, Shape gradShape) {
        return new IllegalArgumentException(kind + ".apply: the gradient for parameter '"
                + p.name() + "' has shape " + gradShape + " but the parameter has shape "
                + p.shape() + "; they must be equal");
    }

    /** One update of every trainable parameter, in place, with the gradients of one of the two. */
    private void step(List<Parameter> params, List<? extends TensorView> grads) {
        double lr = schedule.rate(iterations);
        if (!(lr >= 0 && Double.isFinite(lr))) {
            throw new IllegalStateException(kind + ".apply: the schedule " + schedule
                    + " gives learning rate "
                    + lr + " at step " + iterations + "; a rate must be finite and >= 0");
        }
        Slots[] slotsOf = resolve(params);
        long t = iterations + 1;
        if (!resolvedShare) {
            // every variable once: update each in place
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                if (p.trainable()) {
                    Slots s = slotsOf[i];
                    grads.get(i).copyTo(s.gradient());
                    s.t = t;
                    s.lr = lr;
                    p.variable().update(s);
                }
            }
        } else {
            stepShared(params, grads, slotsOf, t, lr);
        }
        iterations = t;
    }

    /**
     * The step when two entries are views of one variable: every new value is computed from the
     * old ones before any is written, so that all see the same step.
     */
    private void stepShared(List<Parameter> params, List<? extends TensorView> grads,
            Slots[] slotsOf, long t, double lr) {
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (!p.trainable()) {
                continue;
            }
            Slots s = slotsOf[i];
            p.variable().copyTo(s.theta());
            grads.get(i).copyTo(s.gradient());
            update(s.theta(), s.gradient(), s.arrays(), t, lr);
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p.trainable()) {
                double[] theta = slotsOf[i].theta();
                p.variable().update(values -> System.arraycopy(theta, 0, values, 0, theta.length));
            }
        }
    }

    private Slots newSlots(Shape shape) {
        double[][] a = new double[slotNames.size()][];
        for (int k = 0; k < a.length; k++) {
            a[k] = new double[shape.size()];
        }
        return new Slots(shape, a);
    }

    @Override
    public final long iterations() {
        return iterations;
    }

    @Override
    public final double learningRate() {
        return schedule.rate(iterations);
    }

    @Override
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("iterations", Tensor.scalar(iterations));
        for (Map.Entry<String, Slots> e : slots.entrySet()) {
            Slots s = e.getValue();
            for (int k = 0; k < slotNames.size(); k++) {
                out.put(slotNames.get(k) + "/"
                        + e.getKey(), Tensor.of(s.arrays()[k], s.shape().dims()));
            }
        }
        return out;
    }

    @Override
    public final void loadState(Map<String, Tensor> state) {
        Objects.requireNonNull(state, () -> kind + ".loadState: state is null");
        Tensor it = state.get("iterations");
        if (it == null || it.size() != 1 || !(it.item() >= 0) || it.item() != Math.rint(it.item())
                || it.item() > 0x1p53) {
            throw new IllegalArgumentException(kind + ".loadState: 'iterations' is "
                    + (it == null ? "missing" : it) + "; expected a scalar whole number >= 0");
        }
        // Group the slot entries by parameter, checking names and shapes, before touching anything.
        Map<String, Slots> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            if (key.equals("iterations")) {
                continue;
            }
            int slash = key.indexOf('/');
            int k = slash < 0 ? -1 : slotNames.indexOf(key.substring(0, slash));
            if (k < 0 || slash == key.length() - 1) {
                throw new IllegalArgumentException(kind + ".loadState: unknown entry '" + key
                        + "'; "
                        + kind + " expects 'iterations' and '<slot>/<parameter>' with slot one of "
                        + slotNames);
            }
            String param = key.substring(slash + 1);
            Tensor v = Objects.requireNonNull(e.getValue(), () -> kind + ".loadState: '" + key
                    + "' is null");
            Slots s = loaded.computeIfAbsent(param,
                    n -> new Slots(v.shape(), new double[slotNames.size()][]));
            if (!s.shape().equals(v.shape())) {
                throw new IllegalArgumentException(kind + ".loadState: '" + key + "' has shape "
                        + v.shape()
                        + " but the other slots of parameter '" + param + "' have shape "
                        + s.shape());
            }
            s.arrays()[k] = v.toArray();
        }
        for (Map.Entry<String, Slots> e : loaded.entrySet()) {
            for (int k = 0; k < slotNames.size(); k++) {
                if (e.getValue().arrays()[k] == null) {
                    throw new IllegalArgumentException(kind + ".loadState: parameter '" + e.getKey()
                            + "' has no '" + slotNames.get(k) + "/" + e.getKey()
                            + "' entry; each parameter"
                            + " needs all of " + slotNames);
                }
            }
        }
        slots = loaded;
        resolvedFor = null; // the remembered slots belong to the replaced state
        resolved = null;
        iterations = (long) it.item();
    }

    /** The kind, hyper-parameters, schedule and step count. */
    @Override
    public final String toString() {
        return kind + "(" + describe() + ", schedule=" + schedule + ", iterations=" + iterations
                + ")";
    }
}
