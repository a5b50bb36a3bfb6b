package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Records operations so that gradients can be computed by reverse-mode differentiation: the
 * counterpart of TensorFlow's {@code tf.GradientTape}. The three lines of a training step:
 *
 * <pre>{@code
 * try (GradientTape tape = new GradientTape()) {
 *     Tensor loss = model.loss(x, y);                    // 1. record the forward pass
 *     List<Tensor> grads = tape.gradient(loss, params);  // 2. ask for the gradients
 *     optimizer.apply(params, grads);                    // 3. apply them
 * }
 * }</pre>
 *
 * <p>While a tape is open (in the thread that opened it), every operation with an input the tape
 * tracks is recorded as a {@link Node}, in creation order. A tape tracks the tensors it
 * {@link #watch watches} (a {@link Variable} is watched when read) and the outputs it recorded.
 *
 * <p>{@link #gradient} walks the record once in reverse with a plain loop (no recursion, so graphs
 * of millions of nodes are fine) and returns the gradients as new tensors; nothing is stored on
 * the tensors and nothing needs zeroing. Contributions to a tensor used several times are summed
 * in a fixed order, so results are bit-for-bit reproducible.
 *
 * <p>Backward rules are written with tensor operations, so when tapes are nested the outer tape
 * records the inner tape's gradient computation, and that gradient can be differentiated again
 * (Hessian-vector products, second derivatives). {@link #compile} uses the same fact to record a
 * whole training step, forward and backward, as one program.
 *
 * <p>A tape is not thread-safe; it records only operations run in the thread that opened it.
 */
public final class GradientTape implements AutoCloseable {
    private final boolean persistent;
    private final boolean watchAccessedVariables;
    private final Record record = new Record(this);
    private final Thread owner = Thread.currentThread();
    private boolean recording = true;
    private boolean closed;
    private boolean used;
    /** Set once the record is freed (after close, or after the one gradient call). */
    private volatile boolean released;
    private ArrayList<Value> values; // created when first needed

    /** Opens a tape that allows one {@link #gradient} call and watches accessed variables. */
    public GradientTape() {
        this(false, true);
    }

    /**
     * Opens a tape.
     *
     * @param persistent true to allow several {@link #gradient} calls (the record is kept until
     *     the tape is closed); false to allow one and free the record after it
     * @param watchAccessedVariables true to watch every variable read through
     *     {@link #watchAccessed} while the tape is open
     */
    public GradientTape(boolean persistent, boolean watchAccessedVariables) {
        this.persistent = persistent;
        this.watchAccessedVariables = watchAccessedVariables;
        TapeState.get().add(this);
    }

    /**
     * Opens a persistent tape: {@link #gradient} may be called any number of times. It also
     * watches accessed variables.
     *
     * @return the open tape, to be closed by try-with-resources
     */
    public static GradientTape persistent() {
        return new GradientTape(true, true);
    }

    /**
     * Watches {@code t}: operations that use it are recorded, and gradients with respect to it can
     * be asked for.
     *
     * @param t the tensor to watch, usually a leaf (an input or a parameter)
     * @return {@code t}, so that {@code Tensor x = tape.watch(Tensor.scalar(3))} reads naturally
     */
    public Tensor watch(Tensor t) {
        Objects.requireNonNull(t, "GradientTape.watch: tensor is null");
        checkOpen("watch");
        record.slots.add(t);
        return t;
    }

    /**
     * Watches {@code t} on every recording tape of this thread that watches accessed variables;
     * called by variables each time their value is read.
     *
     * @param t the variable's current value
     * @return {@code t}
     */
    public static Tensor watchAccessed(Tensor t) {
        TapeState state = TapeState.get();
        List<GradientTape> open = state.open;
        for (int i = state.floor, n = open.size(); i < n; i++) {
            GradientTape tape = open.get(i);
            if (tape.watchAccessedVariables && tape.isRecording()) {
                tape.record.slots.add(t);
            }
        }
        return t;
    }

    /**
     * Runs code without recording, for sampling and evaluation (PyTorch's {@code no_grad},
     * TensorFlow's {@code stop_recording}): until the returned scope is closed, no tape that is
     * open now records anything, and variables read are not watched. A tape opened inside the
     * scope records as usual.
     *
     * <pre>{@code
     * try (NoRecording off = GradientTape.noRecording()) {
     *     Tensor action = policy.meanAction(observation);
     * }
     * }</pre>
     *
     * @return the scope; closing it lets the paused tapes record again
     */
    public static NoRecording noRecording() {
        return new NoRecording();
    }

    /**
     * {@return whether this tape tracks {@code t}: watched, or computed by an operation it
     * recorded}
     *
     * @param t the tensor to look up, by identity
     */
    public boolean isTracked(Tensor t) {
        return record.slots.tracks(t);
    }

    /** {@return true for a tape created with {@link #persistent()} or as persistent} */
    public boolean isPersistent() {
        return persistent;
    }

    /** {@return the number of operations recorded so far} */
    public int size() {
        return record.nodes.size();
    }

    /**
     * The gradient of a scalar {@code target} with respect to {@code source}; see
     * {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)} for the rules.
     *
     * @param target the single-element result to differentiate, such as a loss
     * @param source the tensor to differentiate with respect to, tracked by this tape
     * @return d target / d source, of the source's shape
     */
    public Tensor gradient(Tensor target, Tensor source) {
        return gradient(target, List.of(source), null, UnconnectedGradients.ERROR).get(0);
    }

    /**
     * The gradients of a scalar {@code target} with respect to each of {@code sources}, all from
     * one backward walk.
     *
     * @param target the single-element result to differentiate, such as a loss
     * @param sources the tensors to differentiate with respect to, each tracked by this tape
     * @return one gradient per source, in order, each of its source's shape
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources) {
        return gradient(target, sources, null, UnconnectedGradients.ERROR);
    }

    /**
     * The vector-Jacobian products of {@code target} and {@code outputGradient}: for each source
     * s, the sum over target elements i of outputGradient[i] * d target[i] / d s. See
     * {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)} for the rules.
     *
     * @param target the result to differentiate, of any shape
     * @param sources the tensors to differentiate with respect to, each tracked by this tape
     * @param outputGradient the vector, of the target's shape; {@code null} means ones, allowed
     *     only for a single-element target
     * @return one product per source, in order, each of its source's shape
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources, Tensor outputGradient) {
        return gradient(target, sources, outputGradient, UnconnectedGradients.ERROR);
    }

    /**
     * The gradients of {@code target} with respect to each of {@code sources}: for a target that
     * is not a single element, the vector-Jacobian product with {@code outputGradient}.
     *
     * <p>Each gradient has its source's shape. A source this tape tracks but the target does not
     * depend on gets exact zeros. A target or a source this tape does not track at all (never
     * watched, computed in another thread, or watched only by another tape) is an error unless
     * {@code unconnected} is {@link UnconnectedGradients#ZERO}: a zero there would hide a mistake.
     *
     * @param target the result to differentiate
     * @param sources the tensors to differentiate with respect to
     * @param outputGradient the gradient flowing into {@code target}, of its shape; {@code null}
     *     means ones, allowed only for a target of one element
     * @param unconnected what an untracked target or source gets: an error, or zeros
     * @return one gradient per source, in order, each of its source's shape; a gradient may be a
     *     tensor the tape already holds (the seed itself when a source is the target)
     * @throws IllegalStateException if the tape is closed, or this is a second call on a tape
     *     that is not persistent
     * @throws IllegalArgumentException if the target has more than one element and no output
     *     gradient is given, the output gradient's shape differs from the target's, or the target
     *     or a source is not tracked and {@code unconnected} is ERROR
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources, Tensor outputGradient,
            UnconnectedGradients unconnected) {
        return walk(target, sources, outputGradient, unconnected, null);
    }

    /**
     * The gradients of a single-element {@code target} with respect to {@code sources}, together
     * with every step of the walk; see
     * {@link #backwardWalk(Tensor, List, Tensor, UnconnectedGradients)}.
     *
     * @param target the single-element result to differentiate
     * @param sources the tensors to differentiate with respect to
     * @return the gradients and the walk's steps
     * @throws IllegalStateException as {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)}
     * @throws IllegalArgumentException as {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)}
     */
    public BackwardWalk backwardWalk(Tensor target, List<Tensor> sources) {
        return backwardWalk(target, sources, null, UnconnectedGradients.ERROR);
    }

    /**
     * The gradients of {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)}, together
     * with every step the backward walk took to get them: for teaching and debugging. The rules,
     * and what counts as the one gradient call of a tape that is not persistent, are the same.
     *
     * @param target the result to differentiate
     * @param sources the tensors to differentiate with respect to
     * @param outputGradient the gradient flowing into {@code target}, or {@code null} for ones
     * @param unconnected what an untracked target or source gets: an error, or zeros
     * @return the gradients and the walk's steps
     * @throws IllegalStateException as {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)}
     * @throws IllegalArgumentException as {@link #gradient(Tensor, List, Tensor, UnconnectedGradients)}
     */
    public BackwardWalk backwardWalk(Tensor target, List<Tensor> sources, Tensor outputGradient,
            UnconnectedGradients unconnected) {
        List<BackwardWalk.Step> steps = new ArrayList<>();
        List<Tensor> grads = walk(target, sources, outputGradient, unconnected, steps);
        return new BackwardWalk(grads, steps);
    }

    private List<Tensor> walk(Tensor target, List<Tensor> sources, Tensor outputGradient,
            UnconnectedGradients unconnected, List<BackwardWalk.Step> steps) {
        Objects.requireNonNull(target, "GradientTape.gradient: target is null");
        Objects.requireNonNull(sources, "GradientTape.gradient: sources is null");
        Objects.requireNonNull(unconnected, "GradientTape.gradient: unconnected is null");
        checkOpen("gradient");
        if (used && !persistent) {
            throw new IllegalStateException("GradientTape.gradient: this tape is not persistent and"
                    + " its gradient was already computed; open it with GradientTape.persistent()"
                    + " to ask for gradients more than once");
        }
        Tensor seed = TapeArguments.seed(target, outputGradient);
        if (unconnected == UnconnectedGradients.ERROR) {
            TapeArguments.checkConnected(this, target, sources);
        }
        used = true;
        try {
            recording = false; // the walk's own operations are recorded by outer tapes only
            Tensor[] grads = record.backward(target, seed, steps);
            List<Tensor> result = new ArrayList<>(sources.size());
            for (Tensor s : sources) {
                int slot = record.slots.of(s);
                Tensor g = slot >= 0 ? grads[slot] : null;
                result.add(g != null ? g : s == target ? seed : Tensor.zeros(s.shape));
            }
            return result;
        } finally {
            recording = !closed;
            if (!persistent) {
                release(); // a tape that is not persistent has served its purpose
            }
        }
    }

    /**
     * Compiles the step this tape recorded, with its backward pass, into a {@link CompiledStep}
     * that runs again on new values of {@code variables} and {@code inputs} (see there and
     * {@link StepCompiler}). Call it before {@link #gradient} on a tape that is not persistent.
     *
     * @param target the single-element result whose gradients the step computes, such as a loss;
     *     it may be a variable's value or an input itself, whose gradient is then 1, as in
     *     {@link #gradient}
     * @param variables the variables to differentiate with respect to; each run reads their
     *     current values, and the gradients come in this order
     * @param inputs watched tensors whose values change from run to run, set with
     *     {@link CompiledStep#set}; every other leaf is frozen as a constant
     * @return the compiled step, ready for {@link CompiledStep#start()}
     */
    public CompiledStep compile(Tensor target, List<Variable> variables, List<Tensor> inputs) {
        checkOpen("compile");
        return StepCompiler.compile(released ? null : List.copyOf(record.nodes), target, variables, inputs,
                this::isTracked);
    }

    /** Appends a node another tape recorded: how {@link StepCompiler} walks a record again. */
    void adopt(Node node) {
        record.nodes.add(node);
        record.slots.add(node.output);
    }

    /** The recorded nodes, in creation order. */
    List<Node> nodes() {
        return record.nodes;
    }

    /** The record: the nodes and the slots. */
    Record record() {
        return record;
    }

    /** Stops recording and frees the record. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        recording = false;
        release();
        if (Thread.currentThread() == owner) {
            TapeState.get().remove(this);
        }
    }

    /** The scalar {@link Value}s made on this tape, in creation order. */
    List<Value> values() {
        if (values == null) {
            values = new ArrayList<>();
        }
        return values;
    }

    boolean isRecording() {
        return recording && !closed;
    }

    boolean isReleased() {
        return released;
    }

    private void release() {
        released = true;
        recording = false;
        record.nodes.clear();
        record.slots.release();
    }

    private void checkOpen(String what) {
        TapeArguments.checkOpen(what, closed, owner);
    }
}
