package dev.gradtape.autodiff;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
 * tracks is recorded, in creation order. A tape tracks the tensors it {@link #watch watches} and
 * the outputs of the operations it recorded. Variable holders (such as {@code nn}'s parameters)
 * call {@link #watchAccessed} when read, so they are watched without being named.
 *
 * <p>{@link #gradient} walks the record once in reverse with a plain loop (no recursion, so graphs
 * of millions of nodes are fine) and returns the gradients as new tensors; nothing is stored on
 * the tensors and nothing needs zeroing. Contributions to a tensor used several times are summed
 * in a fixed order, so results are bit-for-bit reproducible.
 *
 * <p>Backward rules are written with tensor operations, so when tapes are nested the outer tape
 * records the inner tape's gradient computation, and that gradient can be differentiated again
 * (Hessian-vector products, second derivatives).
 *
 * <p>A tape is not thread-safe; it records only operations run in the thread that opened it.
 */
public final class GradientTape implements AutoCloseable {
    private final boolean persistent;
    private final boolean watchAccessedVariables;
    private static final VarHandle TAPE;

    static {
        try {
            TAPE = MethodHandles.lookup().findVarHandle(Tensor.class, "tape", GradientTape.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Slots of the tracked tensors this tape could not claim (see {@link Tensor#tape}); most
     * tensors are claimed, so this map stays empty unless tapes are nested or shared.
     */
    private IdentityHashMap<Tensor, Integer> otherSlots; // created when first needed
    private int slots;
    private boolean[] needsScratch = new boolean[2];
    private int[] slotScratch = new int[2];
    private final ArrayList<Function> record = new ArrayList<>();
    private final Thread owner = Thread.currentThread();
    private boolean recording = true;
    private boolean closed;
    /** Set once the record is freed (after close, or after the one gradient call). */
    private volatile boolean released;
    private boolean used;
    /** Set when a replay of this record re-runs a user's Function node in place. */
    private boolean rerunByReplay;
    private BackwardObserver observer;
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
        TapeState.get().open.add(this);
    }

    /** Opens a persistent tape: {@link #gradient} may be called any number of times. */
    public static GradientTape persistent() {
        return new GradientTape(true, true);
    }

    /**
     * Watches {@code t}: operations that use it are recorded, and gradients with respect to it can
     * be asked for.
     *
     * @return {@code t}, so that {@code Tensor x = tape.watch(Tensor.scalar(3))} reads naturally
     */
    public Tensor watch(Tensor t) {
        Objects.requireNonNull(t, "GradientTape.watch: tensor is null");
        checkOpen("watch");
        track(t);
        return t;
    }

    /**
     * Watches {@code t} on every open tape of this thread that watches accessed variables; called
     * by variable holders each time their value is read.
     *
     * @return {@code t}
     */
    public static Tensor watchAccessed(Tensor t) {
        TapeState state = TapeState.get();
        if (state.pauseDepth > 0) {
            return t;
        }
        List<GradientTape> open = state.open;
        for (int i = 0, n = open.size(); i < n; i++) {
            GradientTape tape = open.get(i);
            if (tape.watchAccessedVariables && tape.isRecording()) {
                tape.track(t);
            }
        }
        return t;
    }

    /**
     * Runs code without recording, for sampling and evaluation (PyTorch's {@code no_grad},
     * TensorFlow's {@code stop_recording}): until the returned scope is closed, no open tape of
     * this thread records anything, and variables read are not watched.
     *
     * <pre>{@code
     * try (GradientTape.NoRecording off = GradientTape.noRecording()) {
     *     Tensor action = policy.meanAction(observation);
     * }
     * }</pre>
     */
    public static NoRecording noRecording() {
        TapeState.get().pauseDepth++;
        return new NoRecording();
    }

    /** The scope returned by {@link #noRecording()}; closing it resumes recording. */
    public static final class NoRecording implements AutoCloseable {
        private boolean closed;

        private NoRecording() {
        }

        /** Resumes recording (once; later calls do nothing). */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                TapeState.get().pauseDepth--;
            }
        }
    }

    /** Whether this tape tracks {@code t}: watched, or computed by an operation it recorded. */
    public boolean isTracked(Tensor t) {
        return slotOf(t) >= 0;
    }

    /** True for a tape created with {@link #persistent()}. */
    public boolean isPersistent() {
        return persistent;
    }

    /** The number of operations recorded so far. */
    public int size() {
        return record.size();
    }

    /**
     * Sets an observer that sees each step of the backward walk (for teaching and debugging);
     * {@code null} removes it.
     */
    public void setBackwardObserver(BackwardObserver observer) {
        this.observer = observer;
    }

    /**
     * The gradient of a scalar {@code target} with respect to {@code source}.
     *
     * @see #gradient(Tensor, List, Tensor)
     */
    public Tensor gradient(Tensor target, Tensor source) {
        return gradient(target, List.of(source), null).get(0);
    }

    /**
     * The gradients of a scalar {@code target} with respect to each of {@code sources}.
     *
     * @see #gradient(Tensor, List, Tensor)
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources) {
        return gradient(target, sources, null);
    }

    /**
     * The gradients of {@code target} with respect to each of {@code sources}: for a target that
     * is not a single element, the vector-Jacobian product with {@code outputGradient}.
     *
     * <p>Each gradient has its source's shape. A source the target does not depend on gets exact
     * zeros of its shape (TensorFlow returns {@code None} there; zeros keep the list usable).
     *
     * @param outputGradient the gradient flowing into {@code target}, of its shape; {@code null}
     *     means ones, allowed only for a target of one element
     * @throws IllegalStateException if the tape is closed, or this is a second call on a tape
     *     that is not persistent
     * @throws IllegalArgumentException if the target has more than one element and no output
     *     gradient is given, or the output gradient's shape differs from the target's
     */
    public List<Tensor> gradient(Tensor target, List<Tensor> sources, Tensor outputGradient) {
        Objects.requireNonNull(target, "GradientTape.gradient: target is null");
        Objects.requireNonNull(sources, "GradientTape.gradient: sources is null");
        checkOpen("gradient");
        if (used && !persistent) {
            throw new IllegalStateException("GradientTape.gradient: this tape is not persistent and"
                    + " its gradient was already computed; open it with GradientTape.persistent()"
                    + " to ask for gradients more than once");
        }
        if (rerunByReplay) {
            throw new IllegalStateException("GradientTape.gradient: a Replay compiled from this tape"
                    + " re-runs a user-defined Function recorded on it, so the recorded values are"
                    + " no longer this tape's; take the gradient from the replay (or, on a"
                    + " persistent tape, call gradient before replay)");
        }
        Tensor seed = seed(target, outputGradient);
        used = true;
        boolean wasRecording = recording;
        recording = false; // the backward walk is recorded by outer tapes only
        TapeState state = TapeState.get();
        Function outerBackward = state.inBackwardOf;
        try {
            Tensor[] grads = backward(target, seed, state);
            List<Tensor> result = new ArrayList<>(sources.size());
            for (Tensor s : sources) {
                Objects.requireNonNull(s, "GradientTape.gradient: a source is null");
                int slot = slotOf(s);
                Tensor g = slot >= 0 ? grads[slot] : null;
                if (g == null) {
                    g = s == target ? seed : Tensor.zeros(s.shape);
                }
                result.add(g);
            }
            return result;
        } finally {
            state.inBackwardOf = outerBackward;
            // a tape that is not persistent has served its purpose: it stops recording and
            // frees its record
            recording = persistent && wasRecording;
            if (!persistent) {
                release();
            }
        }
    }

    /**
     * Compiles what this tape recorded into a {@link Replay}: the same computation, run again on
     * new values of {@code sources} and {@code inputs} without recording, with gradients with
     * respect to the sources. Call it before {@link #gradient} on a tape that is not persistent
     * (the gradient call frees the record). If the record holds a user-defined {@link Function},
     * the replay re-runs that very node, so this tape's {@link #gradient} is refused afterwards.
     *
     * @param target the scalar to differentiate, computed by an operation this tape recorded
     * @param sources the leaves to differentiate with respect to (for example the parameters'
     *     values); each run gives their values to {@link Replay#start}
     * @param inputs other leaves whose values change from run to run (observations, sampled
     *     actions, rewards), set with {@link Replay#set}; every other leaf is frozen
     * @throws IllegalArgumentException if a source or input is not watched by this tape or not a
     *     leaf, the target was not recorded or has more than one element, or a watched leaf the
     *     target depends on is neither a source nor an input
     * @throws IllegalStateException if the tape is closed or its record was freed
     */
    public Replay replay(Tensor target, List<Tensor> sources, List<Tensor> inputs) {
        Objects.requireNonNull(target, "GradientTape.replay: target is null");
        Objects.requireNonNull(sources, "GradientTape.replay: sources is null");
        Objects.requireNonNull(inputs, "GradientTape.replay: inputs is null");
        checkOpen("replay");
        if (released) {
            throw new IllegalStateException("GradientTape.replay: the record was freed by gradient();"
                    + " call replay before gradient, or open the tape with GradientTape.persistent()");
        }
        checkWatched(sources, "source");
        checkWatched(inputs, "input");
        return new Replay(new ArrayList<>(record), target, sources, inputs, this::isTracked,
                () -> rerunByReplay = true);
    }

    private void checkWatched(List<Tensor> leaves, String kind) {
        for (int i = 0; i < leaves.size(); i++) {
            Tensor t = Objects.requireNonNull(leaves.get(i), "GradientTape.replay: a " + kind + " is null");
            if (!isTracked(t)) {
                throw new IllegalArgumentException("GradientTape.replay: " + kind + " " + i + " (shape "
                        + t.shape + ") is not watched by this tape, so operations on it alone were not"
                        + " recorded; call tape.watch on it before using it");
            }
        }
    }

    /** The reverse walk: returns the accumulated gradient of every slot (null where none). */
    private Tensor[] backward(Tensor target, Tensor seed, TapeState state) {
        Tensor[] grads = new Tensor[slots];
        int targetSlot = slotOf(target);
        if (targetSlot < 0) {
            return grads;
        }
        grads[targetSlot] = seed;
        for (int i = record.size() - 1; i >= 0; i--) {
            Function f = record.get(i);
            Tensor g = grads[slotOf(f.outputUnsafe())];
            if (g == null) {
                continue;
            }
            Tensor[] inputs = f.inputsUnsafe();
            if (inputs.length > needsScratch.length) {
                needsScratch = new boolean[inputs.length];
                slotScratch = new int[inputs.length];
            }
            // reused from step to step (a tenth of the walk's allocation otherwise): runBackward
            // reads needs only while the backward runs
            boolean[] needs = needsScratch;
            int[] inputSlots = slotScratch;
            for (int j = 0; j < inputs.length; j++) {
                inputSlots[j] = slotOf(inputs[j]);
                needs[j] = inputSlots[j] >= 0;
            }
            state.inBackwardOf = f;
            Tensor[] inputGrads = f.runBackward(g, needs);
            if (state.anomaly) {
                Anomaly.checkBackward(f, g, inputGrads);
            }
            if (observer != null) {
                observer.onStep(f.name(), f.signature(), g, List.of(inputs),
                        java.util.Arrays.asList(inputGrads.clone()));
            }
            for (int j = 0; j < inputs.length; j++) {
                Tensor gi = inputGrads[j];
                if (gi == null || !needs[j]) {
                    continue;
                }
                Tensor prev = grads[inputSlots[j]];
                grads[inputSlots[j]] = prev == null ? gi : prev.add(gi);
            }
        }
        return grads;
    }

    private static Tensor seed(Tensor target, Tensor outputGradient) {
        if (outputGradient == null) {
            if (target.size() != 1) {
                throw new IllegalArgumentException("GradientTape.gradient: the target has shape "
                        + target.shape + " (" + target.size() + " elements); without an output"
                        + " gradient the target must have one element. Pass an output gradient of"
                        + " shape " + target.shape + " for a vector-Jacobian product, or reduce the"
                        + " target first, e.g. target.sum()");
            }
            return Tensor.ones(target.shape);
        }
        if (!outputGradient.shape.equals(target.shape)) {
            throw new IllegalArgumentException("GradientTape.gradient: the output gradient has shape "
                    + outputGradient.shape + " but the target has shape " + target.shape
                    + "; they must be equal");
        }
        return outputGradient;
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
            TapeState.get().open.remove(this);
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

    boolean tracksAny(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t.tape == this || otherSlots != null && otherSlots.containsKey(t)) {
                return true;
            }
        }
        return false;
    }

    void record(Function f) {
        record.add(f);
        Tensor out = f.outputUnsafe();
        if (out.tape == null && (f.isPrimitive() || TAPE.compareAndSet(out, (GradientTape) null, this))) {
            // the usual case: a new tensor, claimed at once (a primitive's output is new and no
            // other thread has seen it, so a plain write is enough)
            out.tape = this;
            out.slot = slots++;
        } else {
            track(out);
        }
    }

    /** Gives {@code t} a gradient slot on this tape unless it has one. */
    private void track(Tensor t) {
        if (t.tape == this || otherSlots != null && otherSlots.containsKey(t)) {
            return;
        }
        GradientTape owner = t.tape;
        if ((owner == null || owner.released) && TAPE.compareAndSet(t, owner, this)) {
            t.slot = slots++;
        } else {
            if (otherSlots == null) {
                otherSlots = new IdentityHashMap<>();
            }
            otherSlots.put(t, slots++);
        }
    }

    /** The gradient slot of {@code t} on this tape, or -1 if this tape does not track it. */
    private int slotOf(Tensor t) {
        if (released) {
            return -1;
        }
        if (t.tape == this) {
            return t.slot;
        }
        if (otherSlots == null) {
            return -1;
        }
        Integer slot = otherSlots.get(t);
        return slot == null ? -1 : slot;
    }

    /**
     * Forgets the record. Tensors this tape claimed keep pointing at it, but a released tape
     * counts as no owner, so any other tape may claim them again.
     */
    private void release() {
        released = true;
        record.clear();
        otherSlots = null;
        slots = 0;
    }

    private void checkOpen(String what) {
        if (closed) {
            throw new IllegalStateException("GradientTape." + what + ": the tape is closed; call it"
                    + " inside the tape's try-with-resources block, before close()");
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("GradientTape." + what + ": the tape was opened in thread "
                    + owner.getName() + " and is used from " + Thread.currentThread().getName()
                    + "; a tape belongs to the thread that opened it");
        }
    }

    /** Sees each step of a backward walk: used by the autodiff tour to show the walk. */
    @FunctionalInterface
    public interface BackwardObserver {
        /**
         * Called once per recorded operation that receives a gradient, in reverse order.
         *
         * @param op the operation's name
         * @param signature the operation with its input and output shapes
         * @param gradOutput the gradient the operation receives
         * @param inputs the operation's inputs
         * @param inputGradients what it sends to each input ({@code null} where nothing)
         */
        void onStep(String op, String signature, Tensor gradOutput, List<Tensor> inputs,
                List<Tensor> inputGradients);
    }
}
