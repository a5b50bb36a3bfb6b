package dev.gradtape.autodiff;

/**
 * What {@link GradientTape#gradient} does for a target or source the tape does not track
 * (TensorFlow's {@code unconnected_gradients}, PyTorch's {@code allow_unused}).
 */
public enum UnconnectedGradients {
    /** Throw an exception naming the tensor: the default, since a zero there hides a mistake. */
    ERROR,
    /** Return zeros of the source's shape. */
    ZERO
}
