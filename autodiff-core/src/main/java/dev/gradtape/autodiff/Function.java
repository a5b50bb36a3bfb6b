package dev.gradtape.autodiff;

import java.util.Arrays;

/**
 * A differentiable operation: a forward computation and the rule that sends the gradient back,
 * side by side. This is gradtape's counterpart of PyTorch's {@code autograd.Function}, and every
 * built-in primitive uses the same contract.
 *
 * <p>To add an operation, subclass it, compute the output in {@link #forward}, and return one
 * gradient per input from {@link #backward}. Create a new instance for every application (it is
 * the node of the graph, like a PyTorch {@code ctx}): fields set in {@code forward} are how values
 * are saved for {@code backward}. Then check the backward with {@link GradCheck}.
 *
 * <pre>{@code
 * final class Cube extends Function {            // f(x) = x^3, f'(x) = 3 x^2
 *     protected Tensor forward(Tensor... in) { return in[0].mul(in[0]).mul(in[0]); }
 *     protected Tensor[] backward(Tensor g) { return new Tensor[] {g.mul(input(0).square()).mul(3)}; }
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 *
 * <p>The contract:
 * <ul>
 *   <li>{@code forward} runs with recording paused: it may use any tensor operation or raw
 *       arrays; nothing inside it is recorded. It must not modify its inputs (tensors are
 *       immutable anyway).</li>
 *   <li>{@code backward} receives the gradient of the output (never modify it) and returns one
 *       gradient per input, each with that input's shape, or {@code null} for an input that gets
 *       none. Write it with tensor operations on {@link #input(int)} and {@link #output()} so it is
 *       itself differentiable: that is what makes higher-order gradients work.</li>
 * </ul>
 */
public abstract class Function {
    private final boolean primitive;
    private Tensor[] inputs;
    private Tensor output;
    private boolean[] needsGradient;

    /** For subclasses: a user-defined operation. */
    protected Function() {
        this(false);
    }

    /** For {@link Primitive}: built-in operations whose forward always returns a new tensor. */
    Function(boolean primitive) {
        this.primitive = primitive;
    }

    /** The name shown in graphs and error messages; the class name in lower case by default. */
    public String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "function" : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    /**
     * Computes the output from the inputs. Recording is paused while it runs.
     *
     * @param inputs the tensors passed to {@link #apply}
     * @return a new tensor (returning an input is allowed; it is wrapped in a new tensor)
     */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * Sends the gradient back: returns one gradient per input (or {@code null} where an input gets
     * no gradient), each of the input's shape.
     *
     * @param gradOutput the gradient of the target with respect to {@link #output()}; read-only
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    /** Input {@code i} as passed to {@link #apply}. */
    protected final Tensor input(int i) {
        return inputs[i];
    }

    /** The number of inputs. */
    protected final int inputCount() {
        return inputs.length;
    }

    /** The output {@link #forward} returned (the tensor the tape recorded). */
    protected final Tensor output() {
        return output;
    }

    /**
     * Whether the tape running this backward needs the gradient of input {@code i}; a backward may
     * skip the work (and return {@code null}) for inputs that do not.
     */
    protected final boolean needsGradient(int i) {
        return needsGradient == null || needsGradient[i];
    }

    /**
     * Runs the operation: computes the output and records it on every open tape that watches one
     * of the inputs (directly or through earlier recorded operations).
     *
     * @throws IllegalStateException if this instance was applied before
     */
    public final Tensor apply(Tensor... inputs) {
        if (this.inputs != null) {
            throw new IllegalStateException(name() + ": a Function instance is one node of the graph"
                    + " and is applied once; create a new instance for each application");
        }
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException(name() + ": input " + i + " is null");
            }
        }
        this.inputs = inputs;
        TapeState state = TapeState.get();
        Tensor out;
        state.pauseDepth++;
        try {
            out = forward(inputs);
        } finally {
            state.pauseDepth--;
        }
        if (out == null) {
            throw new IllegalStateException(name() + ": forward returned null");
        }
        if (!primitive && (out.creator != null || out.tape != null || isInput(out))) {
            // a tensor that is already part of some graph: give the output an identity of its
            // own (data is immutable, so sharing it is safe)
            out = new Tensor(out.shape, out.data);
        }
        this.output = out;
        if (state.anomaly) {
            Anomaly.checkForward(this, state);
        }
        if (state.pauseDepth == 0 && !state.open.isEmpty()) {
            record(state);
        }
        return out;
    }

    private boolean isInput(Tensor t) {
        for (Tensor in : inputs) {
            if (in == t) {
                return true;
            }
        }
        return false;
    }

    private void record(TapeState state) {
        var open = state.open;
        for (int k = 0, n = open.size(); k < n; k++) {
            GradientTape tape = open.get(k);
            if (tape.isRecording() && tape.tracksAny(inputs)) {
                tape.record(this);
                output.creator = this;
            }
        }
    }

    /** Runs backward for a tape: sets which inputs need gradients, then checks the results. */
    final Tensor[] runBackward(Tensor gradOutput, boolean[] needs) {
        this.needsGradient = needs;
        Tensor[] grads;
        try {
            grads = backward(gradOutput);
        } finally {
            this.needsGradient = null;
        }
        if (grads == null || grads.length != inputs.length) {
            throw new IllegalStateException(name() + ": backward must return one gradient per input ("
                    + inputs.length + "), got " + (grads == null ? "null" : grads.length));
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null && !grads[i].shape.equals(inputs[i].shape)) {
                throw new IllegalStateException(name() + ": backward returned a gradient of shape "
                        + grads[i].shape + " for input " + i + " of shape " + inputs[i].shape
                        + "; a gradient must have its input's shape");
            }
        }
        return grads;
    }

    boolean isPrimitive() {
        return primitive;
    }

    /**
     * Runs {@link #forward} again on new inputs of the recorded shapes, for a {@link Replay} of an
     * operation that has no kernel of its own: the instance becomes the node of this run.
     */
    final Tensor rerunForward(Tensor[] newInputs) {
        this.inputs = newInputs;
        Tensor out = forward(newInputs);
        if (out == null) {
            throw new IllegalStateException(name() + ": forward returned null");
        }
        this.output = out;
        return out;
    }

    /**
     * The kernel a {@link Replay} runs this operation with, on the shapes it was applied to; null
     * if it has none, and the replay runs the operation's own forward and backward instead.
     */
    ReplayKernel replayKernel() {
        return null;
    }

    /**
     * A new, unapplied instance doing the same operation, for a {@link Replay} to re-run without
     * touching this recorded node; null if the operation cannot be copied (a user's Function),
     * and the replay re-runs this instance itself.
     */
    Function copyForReplay() {
        return null;
    }

    /**
     * False if {@link #backward} never gives input {@code i} a gradient (a mask, a comparison, a
     * stopped gradient): a {@link Replay} then plans no gradient for it.
     */
    boolean sendsGradient(int input) {
        return true;
    }

    Tensor[] inputsUnsafe() {
        return inputs;
    }

    Tensor outputUnsafe() {
        return output;
    }

    /** A description for graphs and messages, such as {@code matmul((2, 3), (3, 4)) -> (2, 4)}. */
    String signature() {
        StringBuilder sb = new StringBuilder(name()).append('(');
        for (int i = 0; i < inputs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(inputs[i].shape);
        }
        return sb.append(") -> ").append(output == null ? "?" : output.shape.toString()).toString();
    }

    @Override
    public String toString() {
        return inputs == null ? name() + " (not applied)" : signature();
    }

    static String shapesOf(Tensor[] ts) {
        return Arrays.toString(Arrays.stream(ts).map(t -> t.shape.toString()).toArray());
    }
}
