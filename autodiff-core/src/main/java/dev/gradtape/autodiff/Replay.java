package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/**
 * A recorded computation compiled for replay: the graph one tape recorded, run again on new
 * values with no tape, no graph nodes and no allocation. This is the idea behind TensorFlow's
 * {@code tf.function} tracing, {@code torch.jit.trace} and CUDA graphs, in its simplest form:
 * when a training step does the same operations on the same shapes every time, record it once
 * and replay it.
 *
 * <pre>{@code
 * Tensor action = Tensor.scalar(0), reward = Tensor.scalar(0);   // example values
 * Replay step;
 * try (GradientTape tape = new GradientTape()) {
 *     tape.watch(action);
 *     tape.watch(reward);
 *     Tensor loss = model.loss(state, action, reward);             // record once
 *     step = tape.replay(loss, Parameter.values(params), List.of(action, reward));
 * }
 * for (int episode = 0; episode < n; episode++) {
 *     step.start(params);                      // this run's source values, copied in
 *     double mu = step.item(muRecorded);       // forward runs as far as mu needs
 *     step.set(action, sample(mu)).set(reward, ...);
 *     step.backward();                         // the rest of the forward, and the backward
 *     optimizer.apply(params, step);           // nn's optimisers read the gradients in place
 * }
 * }</pre>
 *
 * <p>A run is: {@link #start} with the sources' values; {@link #set} the inputs that change (an
 * input keeps its value from run to run until set again); read values with {@link #value} or
 * {@link #item}, which run the forward pass only as far as needed, so a value can decide an input
 * set later in the same run (the sampled action above); and {@link #backward} (gradients kept in
 * the replay, read with {@link #copyGradientTo}) or {@link #gradient} (gradients as new tensors),
 * which finish the forward pass and run the backward pass. Results equal the eager tape's bit for
 * bit.
 *
 * <p>What is replayed is exactly what was recorded. Leaves that are neither sources nor inputs
 * are constants frozen at their recorded values, and so is every number a Java expression turned
 * into a constant of an operation: {@code loss.mul(reward)} replays with the reward of each run,
 * {@code loss.mul(r)} with a {@code double r} replays with the recorded r forever. Java control
 * flow that depended on values is frozen the same way. Shapes are fixed.
 *
 * <p>Gradients are first order: a replay records nothing on any tape. A replay is not
 * thread-safe.
 */
public final class Replay {
    private final IdentityHashMap<Tensor, Integer> ids = new IdentityHashMap<>();
    private final ArrayList<Shape> shapes = new ArrayList<>();
    private final ReplayStep[] steps;
    private final int target;
    private final int[] sources;
    private final int[] inputs;
    private final double[][] values;
    /** For a leaf: the first step that reads it (steps.length if none); for an op's output: its step. */
    private final int[] firstUse;
    private final boolean[] isLeafInput;
    private final boolean[] isSourceNode;
    /** True for the output of a step (its firstUse is that step). */
    private final boolean[] produced;
    private final boolean[] needsGradient;
    private final double[][] grads;
    /** Whether the node's gradient buffer holds a gradient in this run. */
    private final boolean[] has;
    /** The steps whose backward runs, in the order it runs (reverse recording order). */
    private final ReplayStep[] backwardPlan;
    /** The tensors {@link #lookup} answered last, and their nodes. */
    private final Tensor[] recentKeys = new Tensor[8];
    private final int[] recentNodes = new int[8];
    private int nextRecent;
    /** The number of steps whose forward has run in the current (or last) run. */
    private int ran;
    /** A run was started and its gradient not yet taken. */
    private boolean open;
    /** Some run was started, so values can be read. */
    private boolean everStarted;
    /** The last run's backward pass ran, so its gradients can be read. */
    private boolean gradientsReady;
    /** {@link AnomalyMode} was on when this run started: every result is checked. */
    private boolean checkAnomalies;

    /**
     * Compiles {@code record}; called by {@link GradientTape#replay}, which has checked that the
     * target is recorded and that the sources and inputs are leaves.
     */
    Replay(List<Function> record, Tensor target, List<Tensor> sourceList, List<Tensor> inputList,
            java.util.function.Predicate<Tensor> tracked, Runnable onInPlaceRerun) {
        // leaves the caller named first, so their nodes are known before the walk
        sources = new int[sourceList.size()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = node(sourceList.get(i));
        }
        inputs = new int[inputList.size()];
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputList.get(i);
            if (ids.containsKey(t)) {
                throw new IllegalArgumentException("GradientTape.replay: input " + i + " (shape "
                        + t.shape + ") is also a source or listed twice; name each tensor once");
            }
            inputs[i] = node(t);
        }
        int declared = ids.size();
        record = neededFor(record, target);
        steps = new ReplayStep[record.size()];
        boolean rerunsInPlace = false;
        for (int s = 0; s < steps.length; s++) {
            Function f = record.get(s);
            Tensor[] in = f.inputsUnsafe();
            int[] inNodes = new int[in.length];
            for (int j = 0; j < in.length; j++) {
                Integer id = ids.get(in[j]);
                if (id == null) {
                    if (tracked.test(in[j])) {
                        throw new IllegalArgumentException("GradientTape.replay: input " + j + " of "
                                + f.signature() + " is a tensor the tape watches but that is neither"
                                + " a source nor an input; a replay would freeze it at its recorded"
                                + " value. Add it to the sources (to get its gradient) or the inputs");
                    }
                    id = node(in[j]); // a constant, frozen at its recorded value
                }
                inNodes[j] = id;
            }
            Tensor out = f.outputUnsafe();
            if (ids.containsKey(out)) {
                throw new IllegalArgumentException("GradientTape.replay: a source or input (shape "
                        + out.shape + ") is the output of the recorded " + f.signature()
                        + "; sources and inputs must be leaves: tensors no recorded operation made");
            }
            int outNode = node(out);
            ReplayKernel kernel = f.replayKernel();
            if (kernel == null) {
                Function copy = f.copyForReplay();
                rerunsInPlace |= copy == null; // a user's Function: re-run as the recorded node
                kernel = new FunctionKernel(copy != null ? copy : f, in, out.shape);
            }
            steps[s] = new ReplayStep(f, kernel, inNodes, outNode);
        }
        Integer t = ids.get(target);
        if (t == null || t < declared || !isOutput(t)) {
            throw new IllegalArgumentException("GradientTape.replay: the target (shape " + target.shape
                    + ") is not computed by an operation this tape recorded");
        }
        this.target = t;
        if (target.size() != 1) {
            throw new IllegalArgumentException("GradientTape.replay: the target has shape "
                    + target.shape + "; a replay differentiates a target of one element");
        }
        int n = ids.size();
        values = new double[n][];
        firstUse = new int[n];
        Arrays.fill(firstUse, steps.length);
        isLeafInput = new boolean[n];
        produced = new boolean[n];
        isSourceNode = new boolean[n];
        for (int i : sources) isLeafInput[i] = isSourceNode[i] = true;
        for (int i : inputs) isLeafInput[i] = true;
        for (Tensor leaf : ids.keySet()) {
            int node = ids.get(leaf);
            // Sources and inputs get buffers of their own, which start and set copy into, so a
            // run neither allocates nor keeps the caller's tensors. Constants are read in place
            // (tensors are immutable).
            values[node] = isLeafInput[node] ? leaf.data.clone() : leaf.data;
        }
        needsGradient = new boolean[n];
        for (int i : sources) needsGradient[i] = true;
        for (int s = 0; s < steps.length; s++) {
            ReplayStep st = steps[s];
            values[st.out] = new double[shapes.get(st.out).size()];
            firstUse[st.out] = s;
            produced[st.out] = true;
            for (int j = 0; j < st.in.length; j++) {
                int node = st.in[j];
                firstUse[node] = Math.min(firstUse[node], s);
                needsGradient[st.out] |= needsGradient[node] && st.op.sendsGradient(j);
            }
        }
        // Every buffer is fixed from here on, so each step's argument list is bound once.
        for (ReplayStep st : steps) {
            st.outValue = values[st.out];
            for (int j = 0; j < st.in.length; j++) {
                st.args[j] = values[st.in[j]];
            }
        }
        grads = new double[n][];
        for (int i = 0; i < n; i++) {
            if (needsGradient[i]) {
                grads[i] = new double[shapes.get(i).size()];
            }
        }
        for (ReplayStep st : steps) {
            st.outGrad = grads[st.out];
        }
        // The backward walk is planned here once: which steps get a gradient, and for each input
        // whether its gradient is the first to arrive (written straight into its accumulator)
        // or is added to earlier ones, in the eager tape's order.
        boolean[] receives = new boolean[n]; // whether a gradient reaches the node
        has = new boolean[n];
        receives[t] = needsGradient[t];
        ArrayList<ReplayStep> plan = new ArrayList<>();
        for (int s = steps.length - 1; s >= 0; s--) {
            ReplayStep st = steps[s];
            if (!receives[st.out]) {
                continue;
            }
            for (int j = 0; j < st.in.length; j++) {
                int node = st.in[j];
                if (!needsGradient[node] || !st.op.sendsGradient(j)) {
                    continue;
                }
                if (!receives[node]) {
                    st.gIn[j] = grads[node];
                    receives[node] = true;
                } else {
                    st.gIn[j] = new double[shapes.get(node).size()]; // added after the call
                }
            }
            plan.add(st);
        }
        backwardPlan = plan.toArray(new ReplayStep[0]);
        if (rerunsInPlace) {
            onInPlaceRerun.run(); // compiled: from now on the recorded nodes are the replay's
        }
    }

    /**
     * The recorded operations the target depends on, in recording order: a persistent tape may
     * hold other computations, which a replay of this target neither runs nor asks inputs for.
     */
    private static List<Function> neededFor(List<Function> record, Tensor target) {
        java.util.Set<Tensor> wanted = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        wanted.add(target);
        ArrayList<Function> kept = new ArrayList<>();
        for (int i = record.size() - 1; i >= 0; i--) {
            Function f = record.get(i);
            if (wanted.contains(f.outputUnsafe())) {
                kept.add(f);
                wanted.addAll(Arrays.asList(f.inputsUnsafe()));
            }
        }
        java.util.Collections.reverse(kept);
        return kept;
    }

    private boolean isOutput(int node) {
        for (ReplayStep st : steps) {
            if (st.out == node) {
                return true;
            }
        }
        return false;
    }

    private int node(Tensor t) {
        Integer id = ids.get(t);
        if (id == null) {
            id = ids.size();
            ids.put(t, id);
            shapes.add(t.shape);
        }
        return id;
    }

    /** The number of recorded operations a run executes. */
    public int size() {
        return steps.length;
    }

    /**
     * The program a run executes, one line per operation: its signature, and whether it runs on a
     * kernel of its own or on the operation's own forward and backward (the generic kernel, which
     * allocates like the eager tape). For example {@code 3: matMul((1, 5), (5, 5)) -> (1, 5)}.
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Replay of ").append(count(steps.length, "operation"))
                .append(", ").append(count(sources.length, "source")).append(", ")
                .append(count(inputs.length, "input")).append(", ")
                .append(count(backwardPlan.length, "backward step")).append('\n');
        for (int s = 0; s < steps.length; s++) {
            ReplayStep st = steps[s];
            sb.append(String.format("%3d: %s%s%n", s, st.op.signature(),
                    st.kernel instanceof FunctionKernel ? "  [generic kernel]" : ""));
        }
        return sb.toString();
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * Begins a run with these values of the sources (in the order given to
     * {@link GradientTape#replay}), copied in: tensors, or variable holders such as nn's
     * parameters, which give their values without making a tensor. Inputs keep their values
     * until {@link #set}.
     *
     * @throws IllegalArgumentException if the count or a shape differs from the recorded sources
     */
    public Replay start(List<? extends TensorSource> sourceValues) {
        Objects.requireNonNull(sourceValues, "Replay.start: the source values are null");
        if (sourceValues.size() != sources.length) {
            throw new IllegalArgumentException("Replay.start: " + sourceValues.size()
                    + " source values for " + sources.length + " recorded sources; pass one per"
                    + " source, in the recorded order");
        }
        for (int i = 0; i < sources.length; i++) { // all checked before any is copied
            TensorSource v = Objects.requireNonNull(sourceValues.get(i), "Replay.start: source value is null");
            Shape expected = shapes.get(sources[i]);
            if (!v.shape().equals(expected)) {
                throw new IllegalArgumentException("Replay.start: source " + i + " has shape "
                        + v.shape() + " but was recorded with shape " + expected
                        + "; a replay keeps the recorded shapes");
            }
        }
        for (int i = 0; i < sources.length; i++) {
            sourceValues.get(i).copyTo(values[sources[i]]);
        }
        ran = 0;
        open = true;
        everStarted = true;
        gradientsReady = false;
        checkAnomalies = AnomalyMode.isEnabled();
        return this;
    }

    /**
     * Sets an input (a tensor given as an input to {@link GradientTape#replay}) for this run and
     * the following ones.
     *
     * @throws IllegalStateException if this run already executed an operation that reads it
     * @throws IllegalArgumentException if {@code input} is not an input, or the shapes differ
     */
    public Replay set(Tensor input, Tensor value) {
        Objects.requireNonNull(value, "Replay.set: the value is null");
        int node = leafInput(input, "set");
        Shape expected = shapes.get(node);
        if (!value.shape.equals(expected)) {
            throw new IllegalArgumentException("Replay.set: the value has shape " + value.shape
                    + " but the input was recorded with shape " + expected);
        }
        checkUnread(node);
        System.arraycopy(value.data, 0, values[node], 0, value.data.length);
        return this;
    }

    /** Sets a one-element input to {@code value}; see {@link #set(Tensor, Tensor)}. */
    public Replay set(Tensor input, double value) {
        int node = leafInput(input, "set");
        if (shapes.get(node).size() != 1) {
            throw new IllegalArgumentException("Replay.set: the input has shape " + shapes.get(node)
                    + "; a number can set only an input of one element");
        }
        checkUnread(node);
        values[node][0] = value;
        return this;
    }

    /**
     * The node of a recorded tensor, or -1. A run looks up the same few tensors every time (the
     * values it reads, the inputs it sets), so the last few answers are kept in front of the map.
     */
    private int lookup(Tensor t) {
        for (int i = 0; i < recentKeys.length; i++) {
            if (recentKeys[i] == t) {
                return recentNodes[i];
            }
        }
        Integer node = ids.get(t);
        if (node == null) {
            return -1;
        }
        recentKeys[nextRecent] = t;
        recentNodes[nextRecent] = node;
        nextRecent = (nextRecent + 1) % recentKeys.length;
        return node;
    }

    private int leafInput(Tensor t, String what) {
        if (t == null) { // no lambda: this runs on every set
            throw new NullPointerException("Replay." + what + ": the input is null");
        }
        int node = lookup(t);
        if (node < 0 || !isLeafInput[node] || isSourceNode[node]) {
            throw new IllegalArgumentException("Replay." + what + ": the tensor of shape " + t.shape
                    + " is not one of the inputs given to GradientTape.replay"
                    + (node >= 0 && isSourceNode[node] ? " (it is a source: pass its value to start)" : ""));
        }
        return node;
    }

    private void checkUnread(int node) {
        if (open && firstUse[node] < ran) {
            throw new IllegalStateException("Replay.set: this run already executed "
                    + steps[firstUse[node]].op.signature() + ", which reads this input; set inputs"
                    + " before reading values that depend on them, or call start for a new run");
        }
    }

    /** The value of a recorded tensor in this run, as a new tensor. */
    public Tensor value(Tensor recorded) {
        int node = readable(recorded, "value");
        return new Tensor(shapes.get(node), values[node].clone());
    }

    /** The value of a recorded tensor of one element in this run. */
    public double item(Tensor recorded) {
        int node = readable(recorded, "item");
        if (values[node].length != 1) {
            throw new IllegalArgumentException("Replay.item: the tensor has shape " + shapes.get(node)
                    + "; item needs one element, use value");
        }
        return values[node][0];
    }

    private int readable(Tensor recorded, String what) {
        if (recorded == null) { // no lambda: this runs on every read
            throw new NullPointerException("Replay." + what + ": the tensor is null");
        }
        int node = lookup(recorded);
        if (node < 0) {
            throw new IllegalArgumentException("Replay." + what + ": the tensor of shape "
                    + recorded.shape + " is not part of the recorded computation of the target");
        }
        if (!everStarted) {
            throw new IllegalStateException("Replay." + what + ": no run has been started; call"
                    + " start(sourceValues) first");
        }
        if (open && produced[node]) {
            runForward(firstUse[node] + 1);
        }
        return node;
    }

    private void runForward(int upTo) {
        int end = Math.min(upTo, steps.length);
        for (int s = ran; s < end; s++) {
            ReplayStep st = steps[s];
            st.kernel.forward(st.args, st.outValue);
            if (checkAnomalies) {
                st.checkForward();
            }
        }
        ran = Math.max(ran, end);
    }

    /**
     * Finishes the run: the rest of the forward pass, then the backward pass. Returns the gradient
     * of the target with respect to each source, as new tensors, in the recorded order (zeros for
     * a source the target does not depend on). The next run begins with {@link #start}.
     */
    public List<Tensor> gradient() {
        finish("gradient");
        List<Tensor> result = new ArrayList<>(sources.length);
        for (int i = 0; i < sources.length; i++) {
            double[] g = new double[shapes.get(sources[i]).size()];
            copyGradientTo(i, g);
            result.add(new Tensor(shapes.get(sources[i]), g));
        }
        return result;
    }

    /**
     * Finishes the run like {@link #gradient()}, but keeps the gradients in the replay, to be read
     * with {@link #copyGradientTo} (as nn's optimisers do): a run then allocates nothing.
     *
     * @return this replay
     */
    public Replay backward() {
        finish("backward");
        return this;
    }

    private void finish(String what) {
        if (!open) {
            throw new IllegalStateException("Replay." + what + ": no run is open; call"
                    + " start(sourceValues) before each " + what);
        }
        runForward(steps.length);
        backwardPass();
        open = false;
        gradientsReady = true;
    }

    /** The number of sources. */
    public int sourceCount() {
        return sources.length;
    }

    /** The shape of source {@code i}. */
    public Shape sourceShape(int i) {
        return shapes.get(sources[i]);
    }

    /**
     * Copies the gradient with respect to source {@code i} from the last {@link #backward} into
     * {@code destination} (zeros if the target does not depend on that source).
     *
     * @throws IllegalStateException if this run's backward pass has not run
     * @throws IllegalArgumentException if the destination's length is not the source's size
     */
    public void copyGradientTo(int i, double[] destination) {
        if (!gradientsReady) {
            throw new IllegalStateException("Replay.copyGradientTo: no gradients: call backward()"
                    + " (after start and set) first");
        }
        int node = sources[i];
        double[] g = grads[node];
        if (destination.length != g.length) {
            throw new IllegalArgumentException("Replay.copyGradientTo: source " + i + " has "
                    + g.length + " elements but the destination holds " + destination.length);
        }
        if (has[node]) {
            System.arraycopy(g, 0, destination, 0, g.length);
        } else {
            Arrays.fill(destination, 0.0);
        }
    }

    private void backwardPass() {
        Arrays.fill(has, false);
        if (!needsGradient[target]) {
            return; // the target does not depend on any source
        }
        grads[target][0] = 1.0;
        has[target] = true;
        for (ReplayStep st : backwardPlan) {
            if (!has[st.out]) {
                continue; // nothing arrived: possible only where a Function sent no gradient
            }
            st.kernel.backward(st.outGrad, st.args, st.outValue, st.gIn);
            boolean[] none = st.kernel.noGradient();
            if (checkAnomalies) {
                st.checkBackward(none);
            }
            int[] in = st.in;
            double[][] gIn = st.gIn;
            for (int j = 0; j < in.length; j++) {
                double[] gj = gIn[j];
                if (gj == null || none != null && none[j]) {
                    continue;
                }
                int node = in[j];
                double[] acc = grads[node];
                if (gj == acc) {
                    has[node] = true; // the planned first gradient, written in place
                } else if (!has[node]) {
                    System.arraycopy(gj, 0, acc, 0, acc.length); // the first one sent none
                    has[node] = true;
                } else {
                    for (int i = 0; i < acc.length; i++) {
                        acc[i] += gj[i];
                    }
                }
            }
        }
    }
}
