package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;

/**
 * A primitive operation, defined once. Its three parts serve the eager tape, the backward pass
 * and compiled steps alike:
 * <ul>
 *   <li>{@link #shape}: the shape rule, which also rejects invalid inputs with a message naming
 *       the op, the shapes and what would be valid;</li>
 *   <li>{@link #kernel}: the forward computation for those shapes, which writes the output into
 *       a given array (the loops live in the {@code kernels} package, beneath this layer);</li>
 *   <li>{@link #backward}: the rule that sends the gradient back, written with tensor
 *       operations, so that it is recorded like any other computation and can be differentiated
 *       again.</li>
 * </ul>
 * An op holds only its constant settings (an axis, an exponent), never per-application state:
 * what one application saw is in its {@link Node}.
 */
abstract class Op {
    /** The name in graphs, programs and error messages. */
    abstract String name();

    /** The output's shape for inputs of shapes {@code in}; throws if they are invalid. */
    abstract Shape shape(Shape[] in);

    /** The forward kernel for inputs of shapes {@code in} and an output of shape {@code out}. */
    abstract Kernel kernel(Shape[] in, Shape out);

    /**
     * The gradient of each input, given the gradient {@code g} of the output, each of its input's
     * shape, or null for an input that needs none ({@link Node#needsGradient}).
     */
    abstract Tensor[] backward(Node node, Tensor g);

    /** What {@link #backward} sends input {@code input}, for teaching: see {@link Node#rule}. */
    String rule(int input) {
        return "the gradient of " + name() + " for input " + input;
    }

    /** False for an input this op never sends a gradient to (a condition, a comparison). */
    boolean sendsGradient(int input) {
        return true;
    }

    /** Eager application: check the shapes, allocate the output, run the kernel, record the node. */
    Tensor apply(Tensor... inputs) {
        Shape[] shapes = new Shape[inputs.length];
        double[][] data = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape;
            data[i] = inputs[i].data;
        }
        Shape s = shape(shapes);
        Tensor out = new Tensor(s, new double[s.size()]);
        kernel(shapes, s).run(data, out.data);
        return Record.record(this, inputs, out);
    }

    @Override
    public String toString() {
        return name();
    }
}
