package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Program;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A recorded training step, forward and backward, compiled to run again on new values: the idea
 * of {@code tf.function}, {@code torch.jit.trace} and tinygrad's TinyJit in small form. When a
 * step does the same operations on the same shapes every time, record it once and re-run it
 * without a tape, without graph nodes and without allocating.
 *
 * <pre>{@code
 * Tensor action = Tensor.scalar(0), reward = Tensor.scalar(0);   // example values
 * CompiledStep step;
 * try (GradientTape tape = new GradientTape()) {
 *     tape.watch(action);
 *     tape.watch(reward);
 *     Tensor loss = model.loss(state, action, reward);             // record once
 *     step = tape.compile(loss, variables, List.of(action, reward));
 * }
 * for (int episode = 0; episode < n; episode++) {
 *     step.start();                            // reads the variables' current values
 *     double mu = step.item(muRecorded);       // runs the program as far as mu needs
 *     step.set(action, sample(mu)).set(reward, ...);
 *     step.run();                              // the rest: forward and backward
 *     optimizer.apply(params, step.gradients());
 * }
 * }</pre>
 *
 * <p><b>What it is.</b> {@link GradientTape#compile} records the backward pass as operations too,
 * so a compiled step is one straight-line program of the same operations the eager tape runs,
 * each run by its op's own kernel on buffers allocated once. It therefore equals the eager tape
 * bit for bit, works for every operation (a user's {@link Function} is called again on every
 * run), and of second-order programs too. {@link #toString()} prints the program.
 *
 * <p><b>What is frozen.</b> Exactly what was recorded is re-run. Leaves that are neither
 * variables nor inputs are constants, and so is every Java number baked into an operation:
 * {@code loss.mul(reward)} re-runs with each run's reward, {@code loss.mul(r)} with a
 * {@code double r} keeps the recorded r forever. Java control flow that depended on values is
 * frozen the same way. Shapes are fixed.
 *
 * <p>{@link GradientTape#compile} throws {@code IllegalArgumentException} if the target was not
 * recorded or has more than one element, a variable was not read or an input not watched while
 * recording, or a watched leaf the target depends on is neither a variable nor an input; and
 * {@code IllegalStateException} if the tape is closed or freed its record.
 *
 * <p>A compiled step belongs to one thread; {@link #copy()} makes another instance of the same
 * program, with buffers of its own, for another thread.
 */
public final class CompiledStep {
    private final Program program;
    private final Program.Instance run;
    private final List<Node> nodes;
    private final IdentityHashMap<Tensor, Integer> buffer;
    private final List<Tensor> tensors;
    private final List<Variable> variables;
    private final List<Tensor> inputs;
    private final int targetBuffer;
    private final int[] gradBuffers;
    /** For each buffer: the step that makes it, or -1 for a leaf or a constant. */
    private final int[] madeBy;
    /** For each buffer: the first step that reads it (steps() if none). */
    private final int[] firstRead;
    private final List<TensorView> gradientViews;
    private int ran;
    private boolean started;
    private boolean finished;
    private boolean checkAnomalies;

    CompiledStep(Program program, List<Node> nodes, IdentityHashMap<Tensor, Integer> buffer,
            List<Tensor> tensors, List<Variable> variables, int variableCount, List<Tensor> inputs,
            int targetBuffer, int[] gradBuffers) {
        this.program = program;
        this.run = program.instance();
        this.nodes = List.copyOf(nodes);
        this.buffer = buffer;
        this.tensors = tensors;
        this.variables = List.copyOf(variables);
        this.inputs = List.copyOf(inputs);
        this.targetBuffer = targetBuffer;
        this.gradBuffers = gradBuffers;
        madeBy = new int[tensors.size()];
        firstRead = new int[tensors.size()];
        java.util.Arrays.fill(madeBy, -1);
        java.util.Arrays.fill(firstRead, nodes.size());
        for (int s = nodes.size() - 1; s >= 0; s--) {
            Node n = nodes.get(s);
            madeBy[buffer.get(n.output)] = s;
            for (Tensor t : n.inputs) {
                firstRead[buffer.get(t)] = s;
            }
        }
        List<TensorView> views = new ArrayList<>(gradBuffers.length);
        for (int i = 0; i < gradBuffers.length; i++) {
            views.add(new GradientView(i));
        }
        gradientViews = List.copyOf(views);
    }

    /**
     * {@return another instance of the same program, with buffers of its own (for another thread)}
     * The program and its nodes are shared, not copied; only the buffers are new.
     */
    public CompiledStep copy() {
        return new CompiledStep(program, nodes, buffer, tensors, variables, variables.size(), inputs,
                targetBuffer, gradBuffers);
    }

    /** {@return the number of steps (operations) in the program, forward and backward together} */
    public int size() {
        return nodes.size();
    }

    /** {@return the variables, in the order their gradients come} */
    public List<Variable> variables() {
        return variables;
    }

    /**
     * Starts a run: reads every variable's current values. Inputs keep the values of the last
     * run (or of the recording) until set again.
     *
     * @return this step, so that {@code set} calls can follow
     */
    public CompiledStep start() {
        for (int i = 0; i < variables.size(); i++) {
            variables.get(i).copyTo(run.buffer(i));
        }
        ran = 0;
        started = true;
        finished = false;
        checkAnomalies = AnomalyMode.isEnabled();
        return this;
    }

    /**
     * Sets input {@code input} (one of the tensors passed to {@link GradientTape#compile}) for
     * this run to {@code value}.
     *
     * @param input the recorded input tensor, which names the input (its own values are not read)
     * @param value the values for this run, of the input's shape; they are copied
     * @return this step, so that calls can be chained
     * @throws IllegalArgumentException if it is not an input or the shapes differ
     * @throws IllegalStateException if no run was started, or the run already used the input
     */
    public CompiledStep set(Tensor input, Tensor value) {
        Objects.requireNonNull(value, "CompiledStep.set: value is null");
        double[] b = inputBuffer(input, value.shape);
        System.arraycopy(value.data, 0, b, 0, b.length);
        return this;
    }

    /**
     * Sets a single-element input to {@code value}, without building a tensor for it.
     *
     * @param input the recorded input tensor, which must have exactly one element
     * @param value the input's value for this run
     * @return this step, so that calls can be chained
     * @throws IllegalArgumentException if it is not an input or has more than one element
     * @throws IllegalStateException if no run was started, or the run already used the input
     */
    public CompiledStep set(Tensor input, double value) {
        Objects.requireNonNull(input, "CompiledStep.set: input is null");
        if (input.size() != 1) {
            throw new IllegalArgumentException("CompiledStep.set: the input has shape " + input.shape
                    + "; a number can set only a single-element input (pass a tensor)");
        }
        inputBuffer(input, input.shape)[0] = value;
        return this;
    }

    private double[] inputBuffer(Tensor input, Shape shape) {
        Objects.requireNonNull(input, "CompiledStep.set: input is null");
        if (!started) {
            throw new IllegalStateException("CompiledStep.set: no run is started; call start() first");
        }
        int i = inputs.indexOf(input);
        if (i < 0) {
            throw new IllegalArgumentException("CompiledStep.set: the tensor (shape " + input.shape
                    + ") is not one of the step's " + inputs.size() + " inputs; pass a tensor given"
                    + " to compile as an input");
        }
        if (!shape.equals(input.shape)) {
            throw new IllegalArgumentException("CompiledStep.set: input " + i + " has shape " + input.shape
                    + " but the value has shape " + shape + "; a compiled step keeps its shapes");
        }
        int b = variables.size() + i;
        if (firstRead[b] < ran) {
            throw new IllegalStateException("CompiledStep.set: input " + i + " was already used by step "
                    + firstRead[b] + " (" + nodes.get(firstRead[b]).signature() + ") of this run; set"
                    + " inputs before reading values that depend on them");
        }
        return run.buffer(b);
    }

    /**
     * Runs the program as far as {@code recorded} needs, and returns its value in this run. This
     * is how a step reads an intermediate result (a policy's mean, say) before setting an input
     * that depends on it.
     *
     * @param recorded a tensor of the recording that the target or the gradients depend on
     * @return its value in this run, as a new tensor (a copy of the buffer)
     */
    public Tensor value(Tensor recorded) {
        int b = readable(recorded);
        return new Tensor(recorded.shape, run.buffer(b).clone());
    }

    /**
     * Runs the program as far as {@code recorded} needs, and returns its one element; like
     * {@link #value(Tensor)} without the copy.
     *
     * @param recorded a single-element tensor of the recording
     * @return its element's value in this run
     */
    public double item(Tensor recorded) {
        int b = readable(recorded);
        if (recorded.size() != 1) {
            throw new IllegalArgumentException("CompiledStep.item: the tensor has shape " + recorded.shape
                    + "; item needs exactly one element (use value)");
        }
        return run.buffer(b)[0];
    }

    /** {@return the target's value in this run (running the program as far as it needs)} */
    public double loss() {
        return item(tensors.get(targetBuffer));
    }

    private int readable(Tensor recorded) {
        Objects.requireNonNull(recorded, "CompiledStep.value: tensor is null");
        if (!started) {
            throw new IllegalStateException("CompiledStep.value: no run is started; call start() first");
        }
        Integer b = buffer.get(recorded);
        if (b == null) {
            throw new IllegalArgumentException("CompiledStep.value: the tensor (shape " + recorded.shape
                    + ") is not part of this step's program; only tensors the target or the gradients"
                    + " depend on are kept");
        }
        advanceTo(madeBy[b] + 1);
        return b;
    }

    /**
     * Runs the rest of the program, forward and backward; then read {@link #gradients()}.
     *
     * @return this step
     */
    public CompiledStep run() {
        if (!started) {
            throw new IllegalStateException("CompiledStep.run: no run is started; call start() first");
        }
        advanceTo(nodes.size());
        finished = true;
        return this;
    }

    /**
     * The gradients of the target with respect to each variable, as views of this step's
     * buffers: the same list every time, whose values are those of the latest {@link #run()}.
     *
     * @return one view per variable, in the order of {@link #variables()}
     */
    public List<TensorView> gradients() {
        return gradientViews;
    }

    /** {@return the gradients of the latest run as new tensors, in the order of the variables} */
    public List<Tensor> gradientTensors() {
        List<Tensor> out = new ArrayList<>(gradBuffers.length);
        for (int i = 0; i < gradBuffers.length; i++) {
            double[] g = new double[variables.get(i).size()];
            gradientViews.get(i).copyTo(g);
            out.add(new Tensor(variables.get(i).shape(), g));
        }
        return out;
    }

    private void advanceTo(int step) {
        if (checkAnomalies) {
            for (; ran < step; ran++) {
                run.runStep(ran);
                checkStep(ran);
            }
        } else if (ran < step) {
            run.run(ran, step);
            ran = step;
        }
    }

    private void checkStep(int s) {
        Node n = nodes.get(s);
        double[] out = run.buffer(buffer.get(n.output));
        int bad = Anomaly.firstNonFinite(out);
        if (bad >= 0) {
            throw new NonFiniteValueException(n.name(), false, "anomaly in compiled step " + s + " of "
                    + nodes.size() + ": " + n.signature() + " produced " + out[bad] + " at flat index "
                    + bad);
        }
    }

    private final class GradientView implements TensorView {
        private final int index;

        GradientView(int index) {
            this.index = index;
        }

        @Override
        public Shape shape() {
            return variables.get(index).shape();
        }

        @Override
        public void copyTo(double[] destination) {
            if (!finished) {
                throw new IllegalStateException("CompiledStep.gradients: no run has finished since start();"
                        + " call run() first");
            }
            double[] g = run.buffer(gradBuffers[index]);
            if (destination.length != g.length) {
                throw new IllegalArgumentException("CompiledStep gradient " + index + ": has " + g.length
                        + " values but the destination holds " + destination.length);
            }
            System.arraycopy(g, 0, destination, 0, g.length);
        }

        @Override
        public String toString() {
            return "gradient " + index + " of a CompiledStep, shape " + shape();
        }
    }

    /** The program, one step per line, in the style of a jaxpr. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append("CompiledStep of ").append(nodes.size()).append(" steps, ").append(variables.size())
                .append(variables.size() == 1 ? " variable, " : " variables, ").append(inputs.size())
                .append(inputs.size() == 1 ? " input" : " inputs").append('\n');
        sb.append("  in  ");
        for (int i = 0; i < variables.size() + inputs.size(); i++) {
            sb.append(i == 0 ? "" : " ").append(name(i)).append(':').append(tensors.get(i).shape);
        }
        sb.append('\n');
        for (int s = 0; s < nodes.size(); s++) {
            Node n = nodes.get(s);
            sb.append(String.format("  %3d %s:%s = %s", s, name(buffer.get(n.output)), n.output.shape, n.op));
            for (Tensor t : n.inputs) {
                sb.append(' ').append(name(buffer.get(t)));
            }
            sb.append('\n');
        }
        sb.append("  out loss ").append(name(targetBuffer)).append(", gradients");
        for (int g : gradBuffers) {
            sb.append(' ').append(name(g));
        }
        return sb.toString();
    }

    /** v0.. for variables, x0.. for inputs, c.. for constants, t.. for values steps make. */
    private String name(int b) {
        int nv = variables.size();
        if (b < nv) {
            return "v" + b;
        }
        if (b < nv + inputs.size()) {
            return "x" + (b - nv);
        }
        return (madeBy[b] < 0 ? "c" : "t") + b;
    }
}
