package dev.gradtape.autodiff;

import java.util.List;

/**
 * One recorded application of an operation, PyTorch's {@code ctx}: the op, the inputs it was
 * applied to and the output it made. A tape keeps its nodes in creation order and walks them in
 * reverse; a backward rule reads what it needs from its node.
 */
public final class Node {
    final Op op;
    final Tensor[] inputs;
    final Tensor output;
    private boolean[] needs;

    Node(Op op, Tensor[] inputs, Tensor output, boolean[] needs) {
        this.op = op;
        this.inputs = inputs;
        this.output = output;
        this.needs = needs;
    }

    /** {@return the operation's name, such as {@code "mul"}} */
    public String name() {
        return op.name();
    }

    /**
     * {@return input {@code i} as the operation received it}
     *
     * @param i the input's position, from 0 to {@code inputCount() - 1}
     */
    public Tensor input(int i) {
        return inputs[i];
    }

    /** {@return the number of inputs} */
    public int inputCount() {
        return inputs.length;
    }

    /** {@return the inputs, in order, as an unmodifiable list} */
    public List<Tensor> inputs() {
        return List.of(inputs);
    }

    /** {@return the output the operation made} */
    public Tensor output() {
        return output;
    }

    /**
     * What input {@code i} receives, as a formula: {@code {g}} is the incoming gradient, {@code {0}},
     * {@code {1}}... the inputs, {@code {y}} the output; {@code "{g} * {1}"} for a product's first.
     * Graph export prints it on the edge into the input.
     *
     * @param i the input's position
     * @return the rule as a formula over those placeholders
     */
    public String rule(int i) {
        return op.rule(i);
    }

    /**
     * Whether the running backward pass needs the gradient of input {@code i}; a backward may
     * return null for an input that does not.
     *
     * @param i the input's position
     * @return false only if the pass can do without input {@code i}'s gradient, so that the
     *     backward may skip computing it
     */
    public boolean needsGradient(int i) {
        return needs == null || needs[i];
    }

    /**
     * Runs the op's backward rule for incoming gradient {@code g} and checks the contract: one
     * gradient per input, each null or of its input's shape.
     */
    Tensor[] backward(Tensor g, boolean[] needsGradient) {
        needs = needsGradient;
        Tensor[] grads;
        try {
            grads = op.backward(this, g);
        } finally {
            needs = null;
        }
        return checked(grads);
    }

    /**
     * {@code grads} once checked against the contract: one gradient per input, each null or of
     * its input's shape.
     */
    Tensor[] checked(Tensor[] grads) {
        if (grads == null || grads.length != inputs.length) {
            throw new IllegalStateException(name() + ": backward must return one gradient per input ("
                    + inputs.length + "), got " + (grads == null ? "null" : grads.length));
        }
        for (int i = 0; i < grads.length; i++) {
            if (grads[i] != null && !grads[i].shape.equals(inputs[i].shape)) {
                throw new IllegalStateException(name() + ": backward returned a gradient of shape "
                        + grads[i].shape + " for input " + i + " of shape " + inputs[i].shape
                        + "; a gradient must have its input's shape");
            }
        }
        return grads;
    }

    /** For example {@code matMul((2, 3), (3, 4)) -> (2, 4)}. */
    String signature() {
        StringBuilder sb = new StringBuilder(name()).append('(');
        for (int i = 0; i < inputs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(inputs[i].shape);
        }
        return sb.append(") -> ").append(output.shape).toString();
    }

    @Override
    public String toString() {
        return signature();
    }
}
