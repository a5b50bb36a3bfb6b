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
 * {@code format = gradtape.checkpoint}, {@code format_version = 2}, {@code optimizer =} the
 * optimiser's class name, and {@code data_crc32c}, the checksum {@link SafeTensors} writes. A
 * model saved without an optimiser is also a plain safetensors file of its weights that Python
 * reads directly. A caller may add strings of its own to the metadata (a description of the
 * architecture, say); loading ignores them. Version 1 is version 2 without the checksum (gradtape before it had one); such
 * files still load, unverified.
 *
 * <p>Loading checks everything before changing anything: the file must be intact (its checksum
 * matches; version 2 files must have one), must say it is a gradtape checkpoint of version 1 or
 * 2, must hold every parameter of the model with its exact shape, finite values, and nothing else
 * (outside "optimizer/"), and, when an optimiser is given, state for that kind of optimiser whose
 * slots fit the parameters, whose values are finite and whose step count is at most
 * {@value #MAX_ITERATIONS}. Any problem throws a {@link CheckpointException} naming the file, the
 * tensor and the values, and leaves the model and the optimiser as they were.
 */
public final class Checkpoint {
    /** The prefix of optimiser state entries. */
    public static final String OPTIMIZER_PREFIX = "optimizer/";
    static final String FORMAT = "gradtape.checkpoint";
    /** The version written: 2 adds the data checksum to version 1. */
    static final String FORMAT_VERSION = "2";
    /**
     * The most optimiser steps a checkpoint may record: 2^32, twice the longest run the command
     * line can start (2^31 - 1 episodes of one update each), 100 minutes of the fastest workload
     * (about 720,000 updates/s). Larger counts are corrupt or hostile files, and costly: Adam
     * rebuilds beta^t by t multiplications on its first step after a load (about 9 s at 2^32,
     * months at 2^53).
     */
    static final long MAX_ITERATIONS = 1L << 32;
    /** The metadata keys a checkpoint writes itself, which extra metadata may not use. */
    private static final java.util.Set<String> RESERVED_KEYS = java.util.Set.of("format", "format_version",
            "optimizer", SafeTensors.CHECKSUM_KEY);

    private Checkpoint() {
    }

    /**
     * Writes the model's parameters and, unless {@code optimizerOrNull} is null, the optimiser's
     * state to {@code file}, atomically (a temporary file renamed over the target).
     *
     * @param file the safetensors file to write; its folder must exist
     * @param model the model whose parameters are saved, under their names
     * @param optimizerOrNull the optimiser whose state is saved beside them, or null for none
     * @throws IllegalArgumentException if two parameters share a name, a name starts with
     *     {@value #OPTIMIZER_PREFIX}, or a value is NaN or infinite (a checkpoint that could not
     *     be loaded is not written, so the file there before stays intact)
     */
    public static void save(Path file, Layer model, Optimizer optimizerOrNull) {
        save(file, model, optimizerOrNull, Map.of());
    }

    /**
     * {@link #save(Path, Layer, Optimizer)} with more strings in the file's metadata, such as a
     * description of the model's architecture that lets a reader rebuild it from the file alone.
     * {@link SafeTensors#readContents} gives them back; {@link #load} ignores them.
     *
     * @param file the safetensors file to write; its folder must exist
     * @param model the model whose parameters are saved, under their names
     * @param optimizerOrNull the optimiser whose state is saved beside them, or null for none
     * @param extraMetadata strings to keep in the metadata; no key may be one the checkpoint
     *     writes itself (format, format_version, optimizer, data_crc32c)
     * @throws IllegalArgumentException as {@link #save(Path, Layer, Optimizer)} does, and if a
     *     key of {@code extraMetadata} is reserved or empty, or a value is null
     */
    public static void save(Path file, Layer model, Optimizer optimizerOrNull, Map<String, String> extraMetadata) {
        Objects.requireNonNull(model, "Checkpoint.save: model is null");
        Objects.requireNonNull(extraMetadata, "Checkpoint.save: extra metadata is null");
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            String key = e.getKey();
            if (key == null || key.isEmpty() || RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Checkpoint.save: extra metadata key '" + key
                        + "' is empty or one the checkpoint writes itself (format, format_version,"
                        + " optimizer, " + SafeTensors.CHECKSUM_KEY + "); choose another name");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("Checkpoint.save: extra metadata '" + key
                        + "' has no value; metadata values are strings");
            }
        }
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
        metadata.put("format_version", FORMAT_VERSION);
        metadata.putAll(extraMetadata);
        if (optimizerOrNull != null) {
            metadata.put("optimizer", optimizerOrNull.getClass().getSimpleName());
            for (Map.Entry<String, Tensor> e : optimizerOrNull.state().entrySet()) {
                all.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            String key = e.getKey();
            String bad = nonFinite(key.startsWith(OPTIMIZER_PREFIX) ? "optimiser state '"
                    + key.substring(OPTIMIZER_PREFIX.length()) + "'" : "parameter '" + key + "'",
                    e.getValue());
            if (bad != null) {
                throw new IllegalArgumentException("Checkpoint.save(" + file + "): " + bad
                        + "; a checkpoint holds finite values only (did training diverge?), so"
                        + " nothing was written (SafeTensors.write saves any values)");
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
     * @throws CheckpointException if the file is truncated or corrupt (its checksum differs),
     *     is not a gradtape checkpoint of version 1 or 2, lacks a parameter of the model, holds one
     *     the model does not have, holds a shape that differs (the message names the parameter and
     *     both shapes), holds a NaN or infinite value, or holds no or unsuitable optimiser state;
     *     nothing has changed then
     */
    public static void load(Path file, Layer model, Optimizer optimizerOrNull) {
        Objects.requireNonNull(model, "Checkpoint.load: model is null");
        String where = "Checkpoint.load(" + file + "): ";
        SafeTensors.Contents contents = SafeTensors.readContents(file);
        String version = checkFormat(where, contents.metadata());
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
        for (Parameter p : params.values()) {
            String bad = nonFinite("parameter '" + p.name() + "'", stored.get(p.name()));
            if (bad != null) {
                throw new CheckpointException(where + bad + "; a checkpoint holds finite values only");
            }
        }
        // 2. the optimiser state fits, and is loaded (all or nothing) before any parameter changes
        if (optimizerOrNull != null) {
            loadOptimizer(where, version, contents, params, optimizerOrNull);
        }
        // 3. nothing can fail from here on
        for (Parameter p : params.values()) {
            p.assign(stored.get(p.name()));
        }
    }

    /**
     * The format and version a checkpoint's metadata must state, and the checksum version 2 must
     * carry (SafeTensors has verified it when present). Returns the version.
     */
    private static String checkFormat(String where, Map<String, String> metadata) {
        String format = metadata.get("format");
        if (!FORMAT.equals(format)) {
            throw new CheckpointException(where + (format == null ? "the metadata has no format"
                    : "the metadata says format=" + format) + "; a gradtape checkpoint says format="
                    + FORMAT + " (read other safetensors files with SafeTensors.read)");
        }
        String version = metadata.get("format_version");
        if (!"1".equals(version) && !"2".equals(version)) {
            throw new CheckpointException(where + "format_version is "
                    + (version == null ? "missing" : "'" + version + "'")
                    + "; this gradtape reads checkpoints of version 1 and 2");
        }
        if (version.equals("2") && !metadata.containsKey(SafeTensors.CHECKSUM_KEY)) {
            throw new CheckpointException(where + "a version 2 checkpoint must carry "
                    + SafeTensors.CHECKSUM_KEY + " in its metadata, and this one does not; the"
                    + " file is corrupt");
        }
        return version;
    }

    /** Describes the first NaN or infinite element of {@code t}, or null if all are finite. */
    private static String nonFinite(String what, Tensor t) {
        double[] d = t.toArray();
        for (int i = 0; i < d.length; i++) {
            if (!Double.isFinite(d[i])) {
                return what + " (shape " + t.shape() + ") holds " + d[i] + " at element " + i;
            }
        }
        return null;
    }

    private static void loadOptimizer(String where, String version, SafeTensors.Contents contents,
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
        if (savedKind == null && !version.equals("1")) {
            throw new CheckpointException(where + "the file holds optimiser state but its metadata"
                    + " does not name the optimiser (optimizer=" + kind + " would fit); the file is"
                    + " corrupt");
        }
        if (savedKind != null && !savedKind.equals(kind)) {
            throw new CheckpointException(where + "the file holds state of a " + savedKind
                    + " optimiser, which a " + kind + " cannot load");
        }
        Tensor iterations = state.get("iterations");
        if (iterations != null && iterations.size() == 1 && iterations.item() > MAX_ITERATIONS) {
            throw new CheckpointException(where + "'" + OPTIMIZER_PREFIX + "iterations' is "
                    + iterations.item() + "; a checkpoint records at most " + MAX_ITERATIONS
                    + " (2^32) optimiser steps");
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String bad = nonFinite("optimiser state '" + e.getKey() + "'", e.getValue());
            if (bad != null) {
                throw new CheckpointException(where + bad + "; a checkpoint holds finite values only");
            }
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
