package dev.gradtape.nn;

/**
 * A safetensors file or checkpoint that cannot be used: truncated or corrupt bytes, a header that
 * breaks the format, or tensors that do not fit the model (a missing or extra parameter, a shape
 * that differs). The message names the file, the tensor and the shapes involved. When it is thrown
 * while loading, no parameter and no optimiser state has been changed.
 */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message what is wrong with the file, naming the entry concerned
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * An exception with the given message and cause.
     *
     * @param message what is wrong with the file, naming the entry concerned
     * @param cause the failure underneath, such as an I/O error
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
