package dev.gradtape.autodiff;

/**
 * A differentiable operation of your own: a forward computation and the rule that sends the
 * gradient back, side by side. This is gradtape's counterpart of PyTorch's
 * {@code autograd.Function}: the Function is stateless and may be applied any number of times;
 * each application is recorded as a {@link Node} (PyTorch's {@code ctx}), which the backward reads
 * its inputs and output from.
 *
 * <pre>{@code
 * final class Cube extends Function {            // f(x) = x^3, f'(x) = 3 x^2
 *     protected Tensor forward(Tensor... in) { return in[0].mul(in[0]).mul(in[0]); }
 *     protected Tensor[] backward(Node node, Tensor g) {
 *         return new Tensor[] {g.mul(node.input(0).square()).mul(3)};
 *     }
 * }
 * Tensor y = new Cube().apply(x);
 * }</pre>
 *
 * <p>The contract:
 * <ul>
 *   <li>{@code forward} runs with recording paused: it may use any tensor operation or raw
 *       arrays; nothing inside it is recorded. Tensors are immutable, so it cannot modify its
 *       inputs.</li>
 *   <li>{@code backward} receives the gradient of the output (never modify it) and returns one
 *       gradient per input, each with that input's shape, or {@code null} for an input that gets
 *       none (it then gets zeros). Write it with tensor operations on {@link Node#input} and
 *       {@link Node#output} so that it is itself differentiable: higher-order gradients then
 *       work. It may skip inputs for which {@link Node#needsGradient} is false.</li>
 *   <li>Both are opaque to a {@link CompiledStep}: it calls them again on every run, so a
 *       backward that reads values with {@code toArray()} stays right. The backward is called
 *       once for each input whose gradient is needed.</li>
 * </ul>
 * Then check the backward with {@link GradCheck}.
 */
public abstract class Function {
    private final UserOps.Forward op = new UserOps.Forward(this);

    /** For subclasses. */
    protected Function() {
    }

    /**
     * {@return the name shown in graphs and error messages} By default it is the class name with
     * its first letter in lower case ({@code Cube} gives {@code cube}).
     */
    public String name() {
        String n = getClass().getSimpleName();
        return n.isEmpty() ? "function" : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    /**
     * Computes the output from the inputs. Recording is paused while it runs.
     *
     * @param inputs the tensors passed to {@link #apply}
     * @return the output (returning an input is allowed; the output is a new tensor either way)
     */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * Sends the gradient back: returns one gradient per input (or {@code null} where an input gets
     * no gradient), each of the input's shape.
     *
     * @param node this application: its inputs, its output, and which gradients are needed
     * @param gradOutput the gradient of the target with respect to the output; read-only
     * @return one gradient per input, in the order of the inputs, each {@code null} or of its
     *     input's shape
     */
    protected abstract Tensor[] backward(Node node, Tensor gradOutput);

    /**
     * Runs the operation: computes the output and records it on every open tape that tracks one
     * of the inputs.
     *
     * @param inputs the operation's inputs, in the order {@link #forward} and {@link #backward}
     *     see them
     * @return the output of {@link #forward}, tracked by every tape that tracks one of the inputs
     * @throws NullPointerException naming the input if one is null
     */
    public final Tensor apply(Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] == null) {
                throw new NullPointerException(name() + ": input " + i + " is null");
            }
        }
        return op.apply(inputs.clone());
    }

    @Override
    public String toString() {
        return name();
    }
}
