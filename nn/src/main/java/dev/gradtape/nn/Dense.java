package dev.gradtape.nn;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer, y = x W + b, for x of shape (batch, in), W of shape (in, out) and b of
 * shape (out,) broadcast over the batch. On the tape it is two operations, matmul and add, whose
 * backward rules give dL/dW = x^T dL/dy, dL/db = sum over the batch of dL/dy and
 * dL/dx = dL/dy W^T.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final Parameter kernel;
    private final Parameter bias;
    private final String initDescription;

    /**
     * A layer with a Glorot-uniform kernel and a zero bias, Keras' defaults.
     *
     * @param in the number of input features
     * @param out the number of output features
     * @param rng the source of the kernel's random values
     */
    public Dense(int in, int out, RandomGenerator rng) {
        this(in, out, Initializers.glorotUniform(), Initializers.zeros(), rng);
    }

    /**
     * A layer whose kernel and bias come from the given initialisers (kernel first, then bias,
     * from the same generator).
     *
     * @param in the number of input features
     * @param out the number of output features
     * @param kernelInit the initialiser of the (in, out) kernel
     * @param biasInit the initialiser of the (out,) bias
     * @param rng the source of both initialisers' random values
     * @throws IllegalArgumentException if {@code in} or {@code out} is below 1
     */
    public Dense(int in, int out, Initializer kernelInit, Initializer biasInit, RandomGenerator rng) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("Dense: in=" + in + ", out=" + out
                    + "; both sizes must be >= 1");
        }
        Objects.requireNonNull(kernelInit, "Dense: kernel initializer is null");
        Objects.requireNonNull(biasInit, "Dense: bias initializer is null");
        Objects.requireNonNull(rng, "Dense: random generator is null");
        this.in = in;
        this.out = out;
        Shape kernelShape = Shape.of(in, out);
        Shape biasShape = Shape.of(out);
        this.kernel = new Parameter("kernel",
                checked("kernel", kernelInit.initialize(kernelShape, in, out, rng), kernelShape));
        this.bias = new Parameter("bias",
                checked("bias", biasInit.initialize(biasShape, in, out, rng), biasShape));
        this.initDescription = ", kernel=" + Initializers.describe(kernelInit) + ", bias="
                + Initializers.describe(biasInit);
    }

    private static Tensor checked(String what, Tensor t, Shape expected) {
        if (t == null || !t.shape().equals(expected)) {
            throw new IllegalArgumentException("Dense: the " + what + " initializer returned "
                    + (t == null ? "null" : "shape " + t.shape()) + "; expected shape " + expected);
        }
        return t;
    }

    /** {@return the weight matrix, shape (in, out)} */
    public Parameter kernel() {
        return kernel;
    }

    /** {@return the bias, shape (out,)} */
    public Parameter bias() {
        return bias;
    }

    /** {@return the input width} */
    public int inFeatures() {
        return in;
    }

    /** {@return the output width} */
    public int outFeatures() {
        return out;
    }

    /**
     * {@code x.matmul(kernel).add(bias)}.
     *
     * @param x shape (batch, in), or (in,) for a single example
     * @throws IllegalArgumentException naming this layer and both shapes if the last axis of x is
     *     not {@code in}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() < 1 || x.shape().dim(-1) != in) {
            throw new IllegalArgumentException("Dense(" + in + " -> " + out
                    + ").forward: input shape "
                    + x.shape() + " does not fit the kernel shape " + kernel.shape()
                    + "; expected (batch, " + in + ")");
        }
        return x.matmul(kernel.value()).add(bias.value());
    }

    /** The kernel, then the bias. */
    @Override
    public List<Parameter> parameters() {
        return List.of(kernel, bias);
    }

    /** For example {@code Dense(2 -> 16, kernel=glorotUniform, bias=zeros)}. */
    @Override
    public String toString() {
        return "Dense(" + in + " -> " + out + initDescription + ")";
    }
}
