package dev.gradtape.rl;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.Optimizer;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the next {@link Reinforce} update depends on, as one safetensors file: what
 * {@link Reinforce#saveState} writes and {@link Reinforce#restoreState} reads.
 *
 * <p>Tensors (F64, so every double comes back bit for bit): {@code policy/<name>} for each
 * parameter of the policy, {@code policy_optimizer/<key>} for its optimiser's state
 * ({@link Optimizer#state()}: the step count and, for Adam, the moments m and v), and with a
 * value baseline {@code value/<name>} and {@code value_optimizer/<key>}; with a running-mean
 * baseline {@code baseline/running_mean}. Metadata: {@code format = gradtape.reinforce_state},
 * {@code format_version = 1}, and the counters as decimal text: {@code seed}, {@code updates},
 * {@code episodes}, {@code episodes_per_update}, {@code baseline_count}. The random state is
 * (seed, updates): every stream is derived from them ({@link Seeds}). Whatever else the caller
 * records (its configuration, its logs' row counts) goes in the metadata beside them.
 */
final class TrainingState {
    static final String FORMAT = "gradtape.reinforce_state";
    static final String VERSION = "1";
    /** The most updates a file may record: beyond it a count is corrupt (see Checkpoint's bound). */
    static final long MAX_UPDATES = 1L << 32;
    static final Set<String> RESERVED = Set.of("format", "format_version", "seed", "updates", "episodes",
            "episodes_per_update", "baseline_count", "policy_optimizer", "value_optimizer",
            SafeTensors.CHECKSUM_KEY);

    private TrainingState() {
    }

    /** The run's parts that hold state, as {@link Reinforce} has them. */
    record Parts(List<Parameter> policy, Optimizer policyOptimizer, List<Parameter> value,
            Optimizer valueOptimizer, boolean runningMean, long seed, int episodesPerUpdate) {
    }

    /** The counters and the baseline's numbers. */
    record Counters(long updates, long episodes, double runningMean, long runningCount) {
    }

    static void save(Path file, Parts parts, Counters c, Map<String, String> extra) {
        for (Map.Entry<String, String> e : extra.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || RESERVED.contains(e.getKey()) || e.getValue() == null) {
                throw new IllegalArgumentException("Reinforce.saveState: metadata '" + e.getKey() + "' = "
                        + e.getValue() + " is empty, null or a key the state file writes itself " + RESERVED);
            }
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        for (Parameter p : parts.policy()) {
            t.put("policy/" + p.name(), p.value());
        }
        for (Map.Entry<String, Tensor> e : parts.policyOptimizer().state().entrySet()) {
            t.put("policy_optimizer/" + e.getKey(), e.getValue());
        }
        if (parts.value() != null) {
            for (Parameter p : parts.value()) {
                t.put("value/" + p.name(), p.value());
            }
            for (Map.Entry<String, Tensor> e : parts.valueOptimizer().state().entrySet()) {
                t.put("value_optimizer/" + e.getKey(), e.getValue());
            }
        }
        if (parts.runningMean()) {
            t.put("baseline/running_mean", Tensor.scalar(c.runningMean()));
        }
        for (Map.Entry<String, Tensor> e : t.entrySet()) {
            for (double v : e.getValue().toArray()) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("Reinforce.saveState(" + file + "): '" + e.getKey()
                            + "' holds " + v + "; a state file holds finite values only, so nothing was written");
                }
            }
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", VERSION);
        m.put("seed", Long.toString(parts.seed()));
        m.put("updates", Long.toString(c.updates()));
        m.put("episodes", Long.toString(c.episodes()));
        m.put("episodes_per_update", Integer.toString(parts.episodesPerUpdate()));
        m.put("baseline_count", Long.toString(c.runningCount()));
        m.put("policy_optimizer", parts.policyOptimizer().getClass().getSimpleName());
        if (parts.valueOptimizer() != null) {
            m.put("value_optimizer", parts.valueOptimizer().getClass().getSimpleName());
        }
        m.putAll(extra);
        SafeTensors.write(file, t, m); // a temporary file in the same folder, forced to disk, renamed
    }

    /**
     * Reads and checks a state file against the run's parts, and loads it only if all of it fits:
     * on any problem a {@link CheckpointException} naming the file and the entry, and nothing has
     * changed.
     *
     * @return the counters to continue from, and the file's metadata
     */
    static Map.Entry<Counters, Map<String, String>> restore(Path file, Parts parts) {
        String where = "Reinforce.restoreState(" + file + "): ";
        SafeTensors.Contents contents = SafeTensors.readContents(file);
        Map<String, String> m = contents.metadata();
        if (!FORMAT.equals(m.get("format"))) {
            throw new CheckpointException(where + "the metadata says format=" + m.get("format")
                    + "; a training state says format=" + FORMAT);
        }
        if (!VERSION.equals(m.get("format_version"))) {
            throw new CheckpointException(where + "format_version is " + m.get("format_version")
                    + "; this gradtape reads version " + VERSION);
        }
        if (!m.containsKey(SafeTensors.CHECKSUM_KEY)) {
            throw new CheckpointException(where + "the file carries no " + SafeTensors.CHECKSUM_KEY
                    + ", which every training state has; it is corrupt");
        }
        long seed = number(where, m, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        if (seed != parts.seed()) {
            throw new CheckpointException(where + "the file continues a run of seed " + seed
                    + ", but this run's seed is " + parts.seed());
        }
        long perUpdate = number(where, m, "episodes_per_update", 1, Integer.MAX_VALUE);
        if (perUpdate != parts.episodesPerUpdate()) {
            throw new CheckpointException(where + "the file continues a run of " + perUpdate
                    + " episodes per update, but this run has " + parts.episodesPerUpdate());
        }
        long updates = number(where, m, "updates", 0, MAX_UPDATES);
        long episodes = number(where, m, "episodes", 0, Long.MAX_VALUE);
        if (updates > Long.MAX_VALUE / perUpdate || episodes != updates * perUpdate) {
            throw new CheckpointException(where + "it records " + episodes + " episodes after " + updates
                    + " updates of " + perUpdate + "; the counters disagree, so the file is corrupt");
        }
        long count = number(where, m, "baseline_count", 0, Long.MAX_VALUE);
        Map<String, Tensor> stored = contents.tensors();
        Set<String> known = new java.util.HashSet<>();
        check(where, stored, "policy/", parts.policy(), known);
        Map<String, Tensor> policyState = optimizerState(where, stored, "policy_optimizer/", parts.policy(),
                parts.policyOptimizer(), m.get("policy_optimizer"), known);
        Map<String, Tensor> valueState = null;
        if (parts.value() != null) {
            check(where, stored, "value/", parts.value(), known);
            valueState = optimizerState(where, stored, "value_optimizer/", parts.value(), parts.valueOptimizer(),
                    m.get("value_optimizer"), known);
        }
        double runningMean = 0;
        if (parts.runningMean()) {
            Tensor t = stored.get("baseline/running_mean");
            if (t == null || t.size() != 1) {
                throw new CheckpointException(where + "the run has a running-mean baseline, but the file holds "
                        + (t == null ? "no 'baseline/running_mean'" : "'baseline/running_mean' of shape " + t.shape()));
            }
            runningMean = t.toArray()[0];
            known.add("baseline/running_mean");
        }
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            if (!known.contains(e.getKey())) {
                throw new CheckpointException(where + "the file holds '" + e.getKey() + "' (shape "
                        + e.getValue().shape() + "), which this run does not have (another policy, baseline"
                        + " or optimiser?)");
            }
            for (double v : e.getValue().toArray()) {
                if (!Double.isFinite(v)) {
                    throw new CheckpointException(where + "'" + e.getKey() + "' holds " + v
                            + "; a state file holds finite values only");
                }
            }
        }
        // every check has passed; the optimisers load all or nothing, and are put back if the other fails
        Map<String, Tensor> policyBefore = parts.policyOptimizer().state();
        load(where, parts.policyOptimizer(), policyState, null, null);
        if (valueState != null) {
            load(where, parts.valueOptimizer(), valueState, parts.policyOptimizer(), policyBefore);
        }
        for (Parameter p : parts.policy()) {
            p.assign(stored.get("policy/" + p.name()));
        }
        if (parts.value() != null) {
            for (Parameter p : parts.value()) {
                p.assign(stored.get("value/" + p.name()));
            }
        }
        Map<String, String> extra = new LinkedHashMap<>(m);
        extra.keySet().removeAll(RESERVED);
        return Map.entry(new Counters(updates, episodes, runningMean, count), extra);
    }

    private static void load(String where, Optimizer o, Map<String, Tensor> state, Optimizer undo,
            Map<String, Tensor> undoState) {
        try {
            o.loadState(state);
        } catch (IllegalArgumentException e) {
            if (undo != null) {
                undo.loadState(undoState);
            }
            throw new CheckpointException(where + "the optimiser state does not fit: " + e.getMessage(), e);
        }
    }

    private static long number(String where, Map<String, String> m, String key, long min, long max) {
        String v = m.get(key);
        try {
            long n = Long.parseLong(v == null ? "" : v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CheckpointException(where + "metadata '" + key + "' is " + (v == null ? "missing" : "'" + v + "'")
                + "; expected a whole number from " + min + " to " + max);
    }

    private static void check(String where, Map<String, Tensor> stored, String prefix, List<Parameter> params,
            Set<String> known) {
        for (Parameter p : params) {
            Tensor t = stored.get(prefix + p.name());
            if (t == null) {
                throw new CheckpointException(where + "'" + prefix + p.name() + "' (shape " + p.shape()
                        + ") is missing from the file");
            }
            if (!t.shape().equals(p.shape())) {
                throw new CheckpointException(where + "'" + prefix + p.name() + "' has shape " + t.shape()
                        + " in the file but " + p.shape() + " in this run");
            }
            known.add(prefix + p.name());
        }
    }

    private static Map<String, Tensor> optimizerState(String where, Map<String, Tensor> stored, String prefix,
            List<Parameter> params, Optimizer o, String savedKind, Set<String> known) {
        String kind = o.getClass().getSimpleName();
        if (!kind.equals(savedKind)) {
            throw new CheckpointException(where + "the file holds the state of a " + savedKind + " as its '"
                    + prefix.substring(0, prefix.length() - 1) + "', which this run's " + kind + " cannot load");
        }
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : params) {
            byName.put(p.name(), p);
        }
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                continue;
            }
            String key = e.getKey().substring(prefix.length());
            int slash = key.indexOf('/');
            Parameter p = slash < 0 ? null : byName.get(key.substring(slash + 1));
            if (slash >= 0 && (p == null || !p.shape().equals(e.getValue().shape()))) {
                throw new CheckpointException(where + "'" + e.getKey() + "' has shape " + e.getValue().shape()
                        + (p == null ? ", for a parameter this run does not have"
                                : " but parameter '" + p.name() + "' has shape " + p.shape()));
            }
            state.put(key, e.getValue());
            known.add(e.getKey());
        }
        Tensor it = state.get("iterations");
        if (it == null || it.size() != 1 || !(it.toArray()[0] >= 0) || it.toArray()[0] > 0x1p42) {
            throw new CheckpointException(where + "'" + prefix + "iterations' is "
                    + (it == null ? "missing" : it.size() == 0 ? "empty" : "of shape " + it.shape() + " holding "
                            + it.toArray()[0])
                    + "; expected a scalar step count from 0 to 2^42");
        }
        return state;
    }
}
