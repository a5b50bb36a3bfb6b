package dev.gradtape.rl;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.autodiff.CompiledStep;
import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.GradientClipping;
import dev.gradtape.nn.Parameter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * REINFORCE (Williams, 1992), the Monte-Carlo policy gradient, for a {@link GaussianPolicy}.
 * Each update collects a batch of episodes, weights each step's log-probability by its return
 * (minus a baseline), and takes one optimiser step on the pseudo-loss
 *
 * <pre>
 *     L(theta) = -mean_t( A_t log pi_theta(a_t | s_t) ) - c * mean entropy
 * </pre>
 *
 * whose gradient is the REINFORCE estimate of -grad J. The heart of an update is the article's
 * "three lines": record the loss on a tape, ask the tape for the gradients, apply them.
 *
 * <p>The article's run, with a baseline added:
 *
 * <pre>{@code
 * GaussianPolicy policy = GaussianPolicy.article(seed);
 * ReinforceSettings settings = ReinforceSettings.article()
 *         .optBaseline(Baseline.exponentialMean(0.01)).optSeed(seed).build();
 * Reinforce reinforce = new Reinforce(policy, TargetGame::new, settings);
 * reinforce.train(10_001, m -> System.out.println(m.mu() + " " + m.sigma()));
 * }</pre>
 *
 * <p>Reproducibility: every random draw comes from a stream derived from plain numbers: episode
 * e of update u draws its start state and its action noise from a generator seeded by a hash of
 * ({@link ReinforceSettings#seed()}, u, e), and update u's value minibatches from one seeded by
 * (seed, u). The whole random state of a run is thus its seed and its update count. The policy's
 * weights come from its own seed, and all arithmetic runs in a fixed order; the same seeds and
 * settings give bit-identical parameters.
 *
 * <p>Threads: with {@link ReinforceSettings#threads()} T above 1, each batch's episodes are
 * collected in T contiguous shares, one on the calling thread and the others on a pool of T - 1
 * daemon threads that the run keeps until {@link #close()}; the shares are joined in episode
 * order, and since each episode draws from its own stream and a row's forward pass does not
 * depend on its neighbours, the run gives the same bits for any T. An exception in a worker
 * (such as a {@link TrainingDivergedException}) is thrown by {@link #update()} as it was thrown.
 * With a value-network baseline, the workers collect the next update's episodes while the
 * calling thread fits the value network, since those episodes need only the policy just stepped;
 * the next update takes that batch if every policy parameter still holds the value it was
 * collected with, and collects afresh otherwise, so the bits stay the same either way.
 * Use a run with several threads in try-with-resources, or close it when done; with one thread
 * there is nothing to close. A run is driven from one thread at a time.
 */
public final class Reinforce implements AutoCloseable {
    private final GaussianPolicy policy;
    private final ReinforceSettings settings;
    private final Supplier<? extends Environment> environments;
    private final Environment[] envs;
    private final List<Parameter> params;
    /** The policy's step compiled for the current batch shape (null before the first update). */
    private PolicyStep policyStep;
    private final ValueFit valueFit;
    private final Rollouts rollouts;
    /** The next update's batch, collected during this update's value fit (null if none). */
    private Rollouts.Ahead next;
    private double runningMean;
    private long runningCount;
    private long updates;
    private long episodes;

    /**
     * A training run.
     *
     * @param policy the policy to train, in place
     * @param environments makes the environments, one per episode of a batch (they run side by
     *     side); each must fit the policy's observation and action sizes
     * @param settings the run's settings
     * @throws IllegalArgumentException if an environment does not fit the policy
     */
    public Reinforce(GaussianPolicy policy, Supplier<? extends Environment> environments,
            ReinforceSettings settings) {
        this.policy = Objects.requireNonNull(policy, "Reinforce: policy is null");
        this.settings = Objects.requireNonNull(settings, "Reinforce: settings is null");
        this.environments = Objects.requireNonNull(environments, "Reinforce: environments is null");
        this.envs = makeEnvironments(policy, environments, settings.episodesPerUpdate());
        this.params = policy.trainableParameters();
        this.rollouts = new Rollouts(settings.threads());
        this.valueFit = settings.baseline() instanceof Baseline.ValueNetwork v
                ? new ValueFit(v, policy.observationScale(), envs[0].maxEpisodeSteps()) : null;
    }

    private static Environment[] makeEnvironments(GaussianPolicy policy,
            Supplier<? extends Environment> factory, int n) {
        Environment[] out = new Environment[n];
        for (int i = 0; i < n; i++) {
            Environment e = Objects.requireNonNull(factory.get(), "Reinforce: the environment supplier returned null");
            if (e.observationSize() != policy.observationSize() || e.actionSize() != policy.actionSize()) {
                throw new IllegalArgumentException("Reinforce: environment " + e + " has observations of "
                        + e.observationSize() + " and actions of " + e.actionSize()
                        + " element(s), but the policy takes " + policy.observationSize()
                        + " and produces " + policy.actionSize() + "; they must match");
            }
            out[i] = e;
        }
        return out;
    }

    /**
     * Trains until at least {@code totalEpisodes} episodes have been used (counting earlier
     * calls), reporting every update to {@code listener} (may be null).
     *
     * @param totalEpisodes the number of episodes to reach, counting earlier calls
     * @param listener told of every update, or null
     * @throws TrainingDivergedException if a loss, gradient, action or parameter stops being finite
     */
    public void train(long totalEpisodes, UpdateListener listener) {
        while (episodes < totalEpisodes) {
            UpdateMetrics m = update();
            if (listener != null) {
                listener.onUpdate(m);
            }
        }
    }

    /**
     * One update: collect {@code episodesPerUpdate} episodes, compute the weights, take one
     * optimiser step on the policy, then fit the value baseline if there is one.
     *
     * @return what the update measured
     * @throws TrainingDivergedException if a loss, gradient, action or parameter stops being finite
     * @throws IllegalStateException if the run has been closed
     */
    public UpdateMetrics update() {
        long update = updates + 1;
        EpisodeBatch batch = next == null ? null : next.batchFor(update);
        next = null;
        if (batch == null) {
            batch = rollouts.collect(policy, envs, settings.seed(), update);
        }
        double[] returns = batch.returns(settings.discount(), settings.rewardToGo());
        double[] valueInputs = valueFit == null ? null : valueFit.inputs(batch);
        double[] weights = advantages(batch, returns, valueInputs);
        Tensor observations = batch.observationTensor();
        Tensor actions = batch.actionTensor();
        double learningRate = settings.optimizer().learningRate();

        // The three lines: record the loss on a tape, ask for the gradients, apply them. The
        // recording is compiled once per batch shape (PolicyStep) and re-run after that, which
        // gives the same numbers as a new tape each update, bit for bit.
        if (policyStep == null || !policyStep.fits(observations, actions)) {
            policyStep = new PolicyStep(observations, actions, batch.rows);
        }
        policyStep.run(observations, actions, Tensor.of(weights, batch.rows));
        List<Tensor> grads = policyStep.gradients();
        double loss = policyStep.step.loss();
        double gradientNorm = GradientClipping.globalNorm(grads);
        checkFinite(update, loss, gradientNorm);
        if (settings.maxGradientNorm() < Double.POSITIVE_INFINITY) {
            grads = GradientClipping.clipByGlobalNorm(grads, settings.maxGradientNorm());
        }
        settings.optimizer().apply(params, grads);
        checkParameters(update);

        double valueLoss = Double.NaN;
        if (valueFit != null) {
            // The next update's episodes depend on the policy just stepped, not on the value
            // network: with threads to spare, the workers collect them while this thread fits.
            Rollouts.Ahead ahead = settings.threads() > 1
                    ? rollouts.ahead(policy, envs, settings.seed(), update + 1) : null;
            try (ComputeSettings.Scope s = ahead == null ? null : ComputeSettings.current().withThreads(1).apply()) {
                valueLoss = valueFit.fit(valueInputs, returns, valueFit.width(batch.observationSize),
                        Seeds.valueMinibatches(settings.seed(), update));
            } finally {
                if (ahead != null) {
                    ahead.await();
                    next = ahead;
                }
            }
        }
        updates = update;
        episodes += batch.episodes;
        return new UpdateMetrics(update, episodes, columnMean(policyStep.mean(), batch.rows),
                columnMean(policyStep.std(), batch.rows), columnMean(actions, batch.rows), mean(batch.rewards),
                batch.meanEpisodeReturn(), loss, gradientNorm, learningRate, valueLoss);
    }

    /**
     * The policy's loss and gradients for batches of one shape, recorded once on a tape and
     * compiled: observations, actions and weights are its inputs, the policy's parameters its
     * variables (the frozen ones too, which it reads but nobody trains).
     */
    private final class PolicyStep {
        final Tensor observations;
        final Tensor actions;
        final Tensor weights;
        final CompiledStep step;
        final GaussianPolicy.Distribution recorded;
        /** For each trainable parameter, its index among the policy's parameters. */
        final int[] trainable;

        PolicyStep(Tensor exampleObservations, Tensor exampleActions, int rows) {
            observations = Tensor.of(exampleObservations.toArray(), exampleObservations.shape());
            actions = Tensor.of(exampleActions.toArray(), exampleActions.shape());
            weights = Tensor.zeros(rows);
            List<Parameter> all = policy.parameters();
            try (GradientTape tape = new GradientTape()) {
                tape.watch(observations);
                tape.watch(actions);
                tape.watch(weights);
                recorded = policy.distribution(observations);
                Tensor loss = loss(recorded, actions, weights);
                step = tape.compile(loss, Parameter.variables(all), List.of(observations, actions, weights));
            }
            trainable = new int[params.size()];
            for (int i = 0; i < trainable.length; i++) {
                trainable[i] = -1;
                for (int j = 0; j < all.size(); j++) {
                    if (all.get(j) == params.get(i)) {
                        trainable[i] = j;
                    }
                }
                if (trainable[i] < 0) {
                    throw new IllegalStateException("Reinforce: trainable parameter " + params.get(i).name()
                            + " is not among the policy's parameters");
                }
            }
        }

        /** The gradients of the trainable parameters from the last run, as tensors. */
        List<Tensor> gradients() {
            List<Tensor> all = step.gradientTensors();
            List<Tensor> out = new java.util.ArrayList<>(trainable.length);
            for (int j : trainable) {
                out.add(all.get(j));
            }
            return out;
        }

        boolean fits(Tensor o, Tensor a) {
            return o.shape().equals(observations.shape()) && a.shape().equals(actions.shape());
        }

        void run(Tensor o, Tensor a, Tensor w) {
            step.start().set(observations, o).set(actions, a).set(weights, w).run();
        }

        Tensor mean() {
            return step.value(recorded.mean());
        }

        Tensor std() {
            return step.value(recorded.std());
        }
    }

    /** -mean(A log pi(a | s)) - c * mean over the batch of the entropy summed over action elements. */
    private Tensor loss(GaussianPolicy.Distribution d, Tensor actions, Tensor weights) {
        Tensor loss = GaussianLoss.weighted(actions, d.mean(), d.std(), weights, settings.logDensity());
        if (settings.entropyCoefficient() > 0) {
            // mean over all elements times actionSize = mean over rows of the per-row sum,
            // also when sigma is one (actionSize) vector broadcast over the batch
            Tensor entropy = GaussianLoss.entropy(d.std()).mean().mul(policy.actionSize());
            loss = loss.sub(entropy.mul(settings.entropyCoefficient()));
        }
        return loss;
    }

    /** Returns minus the baseline, normalised per batch if asked for; the baseline then learns. */
    private double[] advantages(EpisodeBatch batch, double[] returns, double[] valueInputs) {
        double[] a = returns.clone();
        Baseline b = settings.baseline();
        if (b instanceof Baseline.RunningMean rm) {
            for (int i = 0; i < a.length; i++) a[i] -= runningMean;
            if (rm.rate() == 0) {
                for (double g : returns) {
                    runningCount++;
                    runningMean += (g - runningMean) / runningCount;
                }
            } else {
                runningMean += rm.rate() * (mean(returns) - runningMean);
            }
        } else if (valueFit != null) {
            double[] v = valueFit.predict(valueInputs, batch.rows, valueFit.width(batch.observationSize));
            for (int i = 0; i < a.length; i++) a[i] -= v[i];
        }
        if (settings.normalizeAdvantages() && a.length > 1) {
            double m = mean(a);
            double ss = 0;
            for (double x : a) ss += (x - m) * (x - m);
            double std = Math.sqrt(ss / (a.length - 1));
            for (int i = 0; i < a.length; i++) a[i] = (a[i] - m) / (std + 1e-8);
        }
        return a;
    }

    /**
     * Shuts down the rollout threads, if the run has any (they are daemon threads, so a run that is
     * never closed does not keep the JVM alive, but its idle threads stay until it exits). Later
     * updates are refused; closing again does nothing.
     */
    @Override
    public void close() {
        rollouts.close();
    }

    // ---------------------------------------------------------------- saving and resuming

    /**
     * Saves everything the next update depends on to {@code file}, a safetensors file written
     * atomically (a temporary file in the same folder, forced to disk, then renamed over the
     * target, so the file there before stays whole until the new one is complete): the policy's
     * parameters, its optimiser's state (Adam's moments and step count), the value network and its
     * optimiser's state, the running-mean baseline's value and count, the update and episode
     * counters and the seed. The random state is the seed and the update count, since every stream
     * is derived from them. A run restored from the file with {@link #restoreState} continues bit
     * for bit as this one would. Call it between updates.
     *
     * @param file where to write; its folder must exist
     * @param metadata strings to keep beside the state, such as the caller's configuration; they
     *     come back from {@link #restoreState}
     * @throws IllegalArgumentException if a metadata key is empty or one the file writes itself
     *     (format, format_version, seed, updates, episodes, episodes_per_update, baseline_count,
     *     policy_optimizer, value_optimizer, data_crc32c), or a value is not finite (nothing is
     *     written then)
     * @throws java.io.UncheckedIOException if the file cannot be written; the target is then unchanged
     */
    public void saveState(Path file, Map<String, String> metadata) {
        Objects.requireNonNull(file, "Reinforce.saveState: file is null");
        Objects.requireNonNull(metadata, "Reinforce.saveState: metadata is null");
        TrainingState.save(file, stateParts(), new TrainingState.Counters(updates, episodes, runningMean,
                runningCount), metadata);
    }

    /**
     * Continues from a state that {@link #saveState} wrote, into this run, which must be built
     * as the saved one was (the same policy architecture, baseline, optimisers, seed and episodes
     * per update; the thread count may differ). Everything is checked before anything changes.
     *
     * @param file a file {@link #saveState} wrote
     * @return the metadata the caller saved with it
     * @throws CheckpointException naming the file and the entry if it is missing, truncated or
     *     corrupt (its checksum differs), is not a training state, or does not fit this run (another
     *     seed, shape, baseline or optimiser); this run has not changed then
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public Map<String, String> restoreState(Path file) {
        Objects.requireNonNull(file, "Reinforce.restoreState: file is null");
        Map.Entry<TrainingState.Counters, Map<String, String>> r = TrainingState.restore(file, stateParts());
        TrainingState.Counters c = r.getKey();
        updates = c.updates();
        episodes = c.episodes();
        runningMean = c.runningMean();
        runningCount = c.runningCount();
        return r.getValue();
    }

    private TrainingState.Parts stateParts() {
        Baseline.ValueNetwork v = settings.baseline() instanceof Baseline.ValueNetwork vn ? vn : null;
        return new TrainingState.Parts(policy.parameters(), settings.optimizer(),
                v == null ? null : v.network().parameters(), v == null ? null : v.optimizer(),
                settings.baseline() instanceof Baseline.RunningMean, settings.seed(), settings.episodesPerUpdate());
    }

    // ---------------------------------------------------------------- evaluation

    /**
     * The mean undiscounted return of the mean action mu(s) over one episode per seed, the
     * episodes run side by side in environments from this run's supplier.
     *
     * @param seeds one start seed per evaluation episode
     * @return the mean return
     */
    public double evaluate(long... seeds) {
        return evaluate(policy, environments, seeds);
    }

    /**
     * The mean undiscounted return of {@code policy}'s mean action over one episode per seed.
     *
     * @param policy the policy to evaluate; it is not changed
     * @param environments makes the environments, one per seed
     * @param seeds one start seed per episode
     * @return the mean return
     * @throws IllegalArgumentException if no seeds are given
     */
    public static double evaluate(GaussianPolicy policy, Supplier<? extends Environment> environments,
            long... seeds) {
        if (seeds.length == 0) {
            throw new IllegalArgumentException("Reinforce.evaluate: no seeds; give one seed per episode");
        }
        Environment[] envs = makeEnvironments(policy, environments, seeds.length);
        int os = policy.observationSize();
        int as = policy.actionSize();
        double[][] current = new double[envs.length][];
        boolean[] running = new boolean[envs.length];
        int[] steps = new int[envs.length];
        double total = 0;
        int active = envs.length;
        for (int e = 0; e < envs.length; e++) {
            current[e] = envs[e].reset(seeds[e]);
            running[e] = true;
        }
        int[] index = new int[envs.length];
        while (active > 0) {
            double[] x = new double[active * os];
            for (int e = 0, j = 0; e < envs.length; e++) {
                if (running[e]) {
                    System.arraycopy(current[e], 0, x, j * os, os);
                    index[j++] = e;
                }
            }
            double[] mu = policy.meanActions(Tensor.of(x, active, os)).toArray();
            for (int j = 0; j < active; j++) {
                int e = index[j];
                StepResult r = envs[e].step(Arrays.copyOfRange(mu, j * as, (j + 1) * as));
                total += r.reward();
                current[e] = r.observation();
                steps[e]++;
                if (r.done() || steps[e] >= envs[e].maxEpisodeSteps()) {
                    running[e] = false;
                }
            }
            active = 0;
            for (boolean b : running) {
                if (b) active++;
            }
        }
        return total / envs.length;
    }

    // ---------------------------------------------------------------- reading

    /** {@return the policy being trained} */
    public GaussianPolicy policy() {
        return policy;
    }

    /** {@return the settings} */
    public ReinforceSettings settings() {
        return settings;
    }

    /**
     * The running-mean baseline's current value (what the next update subtracts), or NaN when the
     * baseline is not a running mean.
     *
     * @return the baseline's current value, or NaN
     */
    public double runningMeanBaseline() {
        return settings.baseline() instanceof Baseline.RunningMean ? runningMean : Double.NaN;
    }

    /** {@return the number of updates so far} */
    public long updates() {
        return updates;
    }

    /** {@return the number of episodes trained on so far} */
    public long episodes() {
        return episodes;
    }

    // ---------------------------------------------------------------- checks and small sums

    private static void checkFinite(long update, double loss, double gradientNorm) {
        if (!Double.isFinite(loss)) {
            throw new TrainingDivergedException(update, "the loss is " + loss
                    + "; with LogDensity.EXACT a non-finite loss means sigma reached 0 or a parameter"
                    + " is not finite (try a sigma floor, a lower learning rate or gradient clipping)");
        }
        if (!Double.isFinite(gradientNorm)) {
            throw new TrainingDivergedException(update, "the policy gradient's norm is " + gradientNorm
                    + " (loss " + loss + "); nothing was applied");
        }
    }

    private void checkParameters(long update) {
        for (Parameter p : params) {
            for (double v : p.value().toArray()) {
                if (!Double.isFinite(v)) {
                    throw new TrainingDivergedException(update, "parameter '" + p.name()
                            + "' holds " + v + " after the optimiser step");
                }
            }
        }
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double x : a) s += x;
        return s / a.length;
    }

    /** The mean of column 0 of a (rows, d) tensor, or element 0 of a broadcast (d) tensor. */
    private static double columnMean(Tensor t, int rows) {
        double[] v = t.toArray();
        if (t.rank() == 1) {
            return v[0];
        }
        int width = v.length / rows;
        double s = 0;
        for (int r = 0; r < rows; r++) s += v[r * width];
        return s / rows;
    }
}
