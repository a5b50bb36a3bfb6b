package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and restores a model's parameters and, optionally, its optimiser's state, as one
 * safetensors file (see {@link SafeTensors}).
 *
 * <p>Layout: each parameter under its name ("0.kernel"); each optimiser state entry under
 * {@code "optimizer/" + key} ("optimizer/iterations", "optimizer/m/0.kernel"); metadata
 * {@code format = gradtape.checkpoint}, {@code format_version = 1} and {@code optimizer =} the
 * optimiser's class name. A model saved without an optimiser is also a plain safetensors file of
 * its weights that Python reads directly.
 *
 * <p>Loading checks everything before changing anything: the file must be intact, must hold every
 * parameter of the model with its exact shape and nothing else (outside "optimizer/"), and, when
 * an optimiser is given, state for that kind of optimiser whose slots fit the parameters. Any
 * problem throws a {@link CheckpointException} naming the parameter and both shapes, and leaves
 * the model and the optimiser as they were.
 */
public final class Checkpoint {
    /** The prefix of optimiser state entries. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";
    static final String FORMAT = "gradtape.checkpoint";

    private Checkpoint() {
    }

    /**
     * Writes the model's parameters and, unless {@code optimizerOrNull} is null, the optimiser's
     * state to {@code file}, atomically (a temporary file renamed over the target).
     *
     * @param file the safetensors file to write; its folder must exist
     * @param model the model whose parameters are saved, under their names
     * @param optimizerOrNull the optimiser whose state is saved beside them, or null for none
     * @throws IllegalArgumentException if two parameters share a name, or a name starts with
     *     {@value #OPTIMIZER_PREFIX}
     */
    public static void save(Path file, Module model, Optimizer optimizerOrNull) {
        Objects.requireNonNull(model, "Checkpoint.save: model is null");
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            if (p.name().startsWith(OPTIMIZER_PREFIX)) {
                throw new IllegalArgumentException("Checkpoint.save: parameter name '" + p.name()
                        + "' starts with '" + OPTIMIZER_PREFIX
                        + "', which is reserved for optimiser state");
            }
            if (all.put(p.name(), p.current()) != null) {
                throw new IllegalArgumentException("Checkpoint.save: two parameters are named '"
                        + p.name()
                        + "'; names must be unique within a model (wrap layers in a Sequential)");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", FORMAT);
        metadata.put("format_version", "1");
        if (optimizerOrNull != null) {
            metadata.put("optimizer", optimizerOrNull.getClass().getSimpleName());
            for (Map.Entry<String, Tensor> e : optimizerOrNull.state().entrySet()) {
                all.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
            }
        }
        SafeTensors.write(file, all, metadata);
    }

    /**
     * Restores the model's parameters and, unless {@code optimizerOrNull} is null, the
     * optimiser's state from {@code file}. Optimiser entries in the file are ignored when no
     * optimiser is given.
     *
     * @param file the safetensors file to read
     * @param model the model whose parameters receive the saved values, matched by name
     * @param optimizerOrNull the optimiser whose state is restored, or null to restore the model only
     * @throws CheckpointException if the file is truncated or corrupt, lacks a parameter of the
     *     model, holds one the model does not have, holds a shape that differs (the message names
     *     the parameter and both shapes), or holds no or unsuitable optimiser state; nothing has
     *     changed then
     */
    public static void load(Path file, Module model, Optimizer optimizerOrNull) {
        Objects.requireNonNull(model, "Checkpoint.load: model is null");
        String where = "Checkpoint.load(" + file + "): ";
        SafeTensors.Contents contents = SafeTensors.readContents(file);
        Map<String, Tensor> stored = contents.tensors();
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            if (params.put(p.name(), p) != null) {
                throw new IllegalArgumentException("Checkpoint.load: two parameters are named '"
                        + p.name()
                        + "'; names must be unique within a model");
            }
        }
        // 1. every parameter is present with its shape, and nothing else is
        for (Parameter p : params.values()) {
            Tensor t = stored.get(p.name());
            if (t == null) {
                throw new CheckpointException(where + "parameter '" + p.name() + "' (shape "
                        + p.shape()
                        + ") is missing from the file, which holds " + describe(stored));
            }
            if (!t.shape().equals(p.shape())) {
                throw new CheckpointException(where + "parameter '" + p.name() + "' has shape "
                        + p.shape()
                        + " in the model but shape " + t.shape() + " in the file");
            }
        }
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            if (!e.getKey().startsWith(OPTIMIZER_PREFIX) && !params.containsKey(e.getKey())) {
                throw new CheckpointException(where + "the file holds '" + e.getKey() + "' (shape "
                        + e.getValue().shape()
                        + "), which is not a parameter of the model; the model has "
                        + params.keySet());
            }
        }
        // 2. the optimiser state fits, and is loaded (all or nothing) before any parameter changes
        if (optimizerOrNull != null) {
            loadOptimizer(where, contents, params, optimizerOrNull);
        }
        // 3. nothing can fail from here on
        for (Parameter p : params.values()) {
            p.assign(stored.get(p.name()));
        }
    }

    private static void loadOptimizer(String where, SafeTensors.Contents contents,
            Map<String, Parameter> params, Optimizer optimizer) {
        String kind = optimizer.getClass().getSimpleName();
        String savedKind = contents.metadata().get("optimizer");
        Map<String, Tensor> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : contents.tensors().entrySet()) {
            if (e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                state.put(e.getKey().substring(OPTIMIZER_PREFIX.length()), e.getValue());
            }
        }
        if (state.isEmpty()) {
            throw new CheckpointException(where + "the file holds no optimiser state (no '"
                    + OPTIMIZER_PREFIX
                    + "' entries); pass null as the optimiser to load the parameters only");
        }
        if (savedKind != null && !savedKind.equals(kind)) {
            throw new CheckpointException(where + "the file holds state of a " + savedKind
                    + " optimiser, which a " + kind + " cannot load");
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            int slash = e.getKey().indexOf('/');
            Parameter p = slash < 0 ? null : params.get(e.getKey().substring(slash + 1));
            // state for a parameter outside this model is the optimiser's business, not checked here
            if (p != null && !p.shape().equals(e.getValue().shape())) {
                throw new CheckpointException(where + "optimiser state '" + e.getKey()
                        + "' has shape "
                        + e.getValue().shape() + " in the file but parameter '" + p.name()
                        + "' has shape "
                        + p.shape() + " in the model");
            }
        }
        try {
            optimizer.loadState(state);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + "the optimiser state does not fit: "
                    + e.getMessage(), e);
        }
    }

    /** The model entries of a file with their shapes, for messages. */
    private static String describe(Map<String, Tensor> stored) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : stored.entrySet()) {
            if (!e.getKey().startsWith(OPTIMIZER_PREFIX)) {
                names.add(e.getKey() + " " + e.getValue().shape());
            }
        }
        return names.toString();
    }
}
