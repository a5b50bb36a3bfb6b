package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;
import java.util.Arrays;
import java.util.List;

/**
 * Operations defined by a Java computation on whole tensors rather than by a kernel: a user's
 * {@link Function}, its gradients, and the gradients of those. They follow the op contract like
 * any primitive, so the tape and compiled steps treat them alike:
 * <ul>
 *   <li>forward: the computation itself, run with the tapes that are open paused (a compiled
 *       step runs it again on copies of its buffers);</li>
 *   <li>backward: a new opaque op per input, whose computation traces this one on a fresh tape
 *       and asks it for the vector-Jacobian product (JAX's {@code vjp} of a function); so
 *       gradients of any order exist, and each stays opaque in a compiled step.</li>
 * </ul>
 */
final class UserOps {
    private UserOps() {
    }

    /** An op computed by Java code on tensors. */
    abstract static class Opaque extends Op {
        /** The computation; tapes opened inside it record as usual. */
        abstract Tensor compute(Tensor[] in);

        @Override
        Shape shape(Shape[] in) {
            throw new UnsupportedOperationException(name() + ": the output shape is known only by running it");
        }

        @Override
        Tensor apply(Tensor... inputs) {
            Tensor r = computePaused(inputs);
            return Record.record(this, inputs, new Tensor(r.shape, r.data));
        }

        private Tensor computePaused(Tensor[] inputs) {
            try (NoRecording off = GradientTape.noRecording()) {
                Tensor r = compute(inputs);
                if (r == null) {
                    throw new IllegalStateException(name() + ": forward returned null");
                }
                return r;
            }
        }

        /** For a compiled step: the computation on copies of the buffers. */
        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return (data, o) -> {
                Tensor[] t = new Tensor[data.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = new Tensor(in[i], data[i].clone());
                }
                Tensor r = computePaused(t);
                if (!r.shape.equals(out)) {
                    throw new IllegalStateException(name() + ": returned shape " + r.shape
                            + " in a compiled step but " + out + " when it was recorded; a compiled"
                            + " step needs the same shapes on every run");
                }
                System.arraycopy(r.data, 0, o, 0, o.length);
            };
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor[] in = Arrays.copyOf(node.inputs, node.inputs.length + 1);
            in[node.inputs.length] = g;
            Tensor[] grads = new Tensor[node.inputCount()];
            for (int j = 0; j < grads.length; j++) {
                if (node.needsGradient(j)) {
                    grads[j] = new Traced(this, j).apply(in);
                }
            }
            return grads;
        }
    }

    /** A user's {@link Function}, applied. */
    static final class Forward extends Opaque {
        final Function function;

        Forward(Function function) {
            this.function = function;
        }

        @Override
        String name() {
            return function.name();
        }

        @Override
        Tensor compute(Tensor[] in) {
            return function.forward(in);
        }

        /** Input j receives the user's backward for j, an op of (inputs, output, g). */
        @Override
        Tensor[] backward(Node node, Tensor g) {
            int n = node.inputCount();
            Tensor[] in = Arrays.copyOf(node.inputs, n + 2);
            in[n] = node.output;
            in[n + 1] = g;
            Tensor[] grads = new Tensor[n];
            for (int j = 0; j < n; j++) {
                if (node.needsGradient(j)) {
                    grads[j] = new Backward(this, j).apply(in);
                }
            }
            return grads;
        }
    }

    /** The gradient a user's backward gives input j, as a function of (inputs, output, g). */
    static final class Backward extends Opaque {
        private final Forward forward;
        private final int input;

        Backward(Forward forward, int input) {
            this.forward = forward;
            this.input = input;
        }

        @Override
        String name() {
            return forward.name() + "Backward" + input;
        }

        int input() {
            return input;
        }

        @Override
        Tensor compute(Tensor[] in) {
            int n = in.length - 2;
            boolean[] needs = new boolean[n];
            needs[input] = true;
            Node ctx = new Node(forward, Arrays.copyOf(in, n), in[n], needs);
            Tensor[] grads = ctx.checked(forward.function.backward(ctx, in[n + 1]));
            Tensor gi = grads[input];
            if (gi == null) {
                return Tensor.zeros(in[input].shape);
            }
            return gi;
        }
    }

    /**
     * The vector-Jacobian product of an opaque op for its input j: inputs (x..., g), output
     * g^T d op(x) / d x_j, computed by running the op on fresh copies of x under a new tape.
     */
    static final class Traced extends Opaque {
        private final Opaque of;
        private final int input;

        Traced(Opaque of, int input) {
            this.of = of;
            this.input = input;
        }

        @Override
        String name() {
            return of.name() + "Vjp" + input;
        }

        @Override
        Tensor compute(Tensor[] in) {
            int n = in.length - 1;
            Tensor[] x = new Tensor[n];
            try (GradientTape tape = new GradientTape(false, false)) {
                for (int i = 0; i < n; i++) {
                    x[i] = tape.watch(new Tensor(in[i].shape, in[i].data));
                }
                Tensor y = of.compute(x);
                return tape.gradient(y, List.of(x[input]), in[n], UnconnectedGradients.ZERO).get(0);
            }
        }
    }
}
