package dev.gradtape.rl;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Checkpoint;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.Optimizer;
import dev.gradtape.nn.SafeTensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link GaussianPolicy} saved with its {@link PolicyArchitecture}, so that the file alone is
 * enough to rebuild it: a {@link Checkpoint} whose metadata also holds the architecture's
 * {@code policy_*} strings.
 */
public final class PolicyCheckpoint {
    private PolicyCheckpoint() {
    }

    /**
     * Writes the policy, its architecture and, unless {@code optimizerOrNull} is null, the
     * optimiser's state to {@code file}, atomically.
     *
     * @param file the safetensors file to write; its folder must exist
     * @param policy the policy, whose architecture {@link PolicyArchitecture#of} can describe
     * @param optimizerOrNull the optimiser whose state is saved beside it, or null for none
     * @throws IllegalArgumentException if the architecture cannot be described, or as
     *     {@link Checkpoint#save(Path, dev.gradtape.nn.Layer, Optimizer)} throws
     */
    public static void save(Path file, GaussianPolicy policy, Optimizer optimizerOrNull) {
        Checkpoint.save(file, policy, optimizerOrNull, PolicyArchitecture.of(policy).toMetadata());
    }

    /**
     * Rebuilds the policy saved in {@code file}: reads its architecture, checks that the file's
     * parameters fit it, and loads them (the optimiser state, if any, is ignored).
     *
     * @param file a file that {@link #save} wrote
     * @return the policy, with the saved weights
     * @throws CheckpointException naming the file and the problem if it is truncated or corrupt,
     *     records no architecture or a bad one (naming the key), or holds parameters that do not
     *     fit the architecture (naming the parameter and both shapes)
     */
    public static GaussianPolicy load(Path file) {
        Objects.requireNonNull(file, "PolicyCheckpoint.load: file is null");
        String where = "PolicyCheckpoint.load(" + file + "): ";
        SafeTensors.Contents contents = SafeTensors.readContents(file);
        PolicyArchitecture architecture;
        try {
            architecture = PolicyArchitecture.fromMetadata(contents.metadata());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + e.getMessage(), e);
        }
        // the file's parameters are checked against the architecture before the policy is built,
        // so that a corrupt width cannot make it allocate more than the file holds
        String layers = PolicyArchitecture.LAYERS + " " + contents.metadata().get(PolicyArchitecture.LAYERS)
                + ", " + PolicyArchitecture.SIGMA + " " + architecture.sigma().key();
        for (Map.Entry<String, Shape> e : architecture.parameterShapes().entrySet()) {
            Tensor t = contents.tensors().get(e.getKey());
            if (t == null) {
                throw new CheckpointException(where + "the architecture (" + layers + ") has parameter '"
                        + e.getKey() + "' of shape " + e.getValue() + ", which the file lacks");
            }
            if (!t.shape().equals(e.getValue())) {
                throw new CheckpointException(where + "parameter '" + e.getKey() + "' has shape " + t.shape()
                        + " in the file, but the architecture (" + layers + ") gives it shape " + e.getValue());
            }
        }
        GaussianPolicy policy = architecture.newPolicy();
        Checkpoint.load(file, policy, null);
        return policy;
    }
}
