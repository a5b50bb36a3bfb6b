package dev.gradtape.autodiff;

import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Derivatives of a function given as Java code, without writing the tapes by hand (PyTorch's
 * {@code torch.autograd.functional}, JAX's {@code grad}, {@code jacrev}, {@code hessian}). Each
 * helper opens the tapes it needs around {@code f}; since backward rules are tensor operations,
 * a tape around a tape gives second derivatives. The results are recorded by tapes that are open
 * around the call, so they can be differentiated again.
 *
 * <pre>{@code
 * UnaryOperator<Tensor> f = x -> x.pow(3).sum();           // f(x) = sum x^3
 * Tensor x = Tensor.vector(1, 2);
 * Functional.gradient(f, x);                                // 3 x^2       = [3, 12]
 * Functional.hvp(f, x, Tensor.vector(1, 0));                // diag(6 x) v = [6, 0]
 * Functional.hessian(f, x);                                 // [[6, 0], [0, 12]]
 * Functional.jacobian(z -> z.mul(z), x);                    // diag(2 x)   = [[2, 0], [0, 4]]
 * }</pre>
 */
public final class Functional {
    private Functional() {
    }

    /**
     * The gradient of a scalar function at {@code x}, of x's shape.
     *
     * @param f the function, which must return a single element
     * @param x the point at which to differentiate
     * @return grad f(x), of x's shape; zeros where f does not depend on x
     * @throws IllegalArgumentException if f does not return a single element
     */
    public static Tensor gradient(UnaryOperator<Tensor> f, Tensor x) {
        Objects.requireNonNull(f, "Functional.gradient: f is null");
        Objects.requireNonNull(x, "Functional.gradient: x is null");
        try (GradientTape tape = new GradientTape(false, false)) {
            tape.watch(x);
            Tensor y = scalar("gradient", f.apply(x));
            return tape.gradient(y, List.of(x), null, UnconnectedGradients.ZERO).get(0);
        }
    }

    /**
     * The Hessian-vector product H(x) v of a scalar function: the gradient of the directional
     * derivative grad f(x) . v (reverse mode over reverse mode), without forming H.
     *
     * @param f the function, which must return a single element
     * @param x the point at which the Hessian is taken
     * @param v the direction, of x's shape
     * @return H(x) v, of x's shape
     * @throws IllegalArgumentException if f does not return a single element, or v's shape is
     *     not x's
     */
    public static Tensor hvp(UnaryOperator<Tensor> f, Tensor x, Tensor v) {
        Objects.requireNonNull(v, "Functional.hvp: v is null");
        if (!v.shape.equals(x.shape)) {
            throw new IllegalArgumentException("Functional.hvp: v has shape " + v.shape + " but x has shape "
                    + x.shape + "; they must be equal");
        }
        try (GradientTape outer = new GradientTape(false, false)) {
            outer.watch(x);
            Tensor directional = gradient(f, x).mul(v).sum();
            return outer.gradient(directional, List.of(x), null, UnconnectedGradients.ZERO).get(0);
        }
    }

    /**
     * The Jacobian of {@code f} at {@code x}, of shape f(x).shape followed by x.shape: element
     * [i..., j...] is d f(x)[i...] / d x[j...]. Computed one output element at a time, each row a
     * vector-Jacobian product with a unit vector.
     *
     * @param f the function, of any output shape
     * @param x the point at which to differentiate
     * @return the Jacobian, of shape f(x).shape followed by x.shape
     */
    public static Tensor jacobian(UnaryOperator<Tensor> f, Tensor x) {
        Objects.requireNonNull(f, "Functional.jacobian: f is null");
        Objects.requireNonNull(x, "Functional.jacobian: x is null");
        try (GradientTape tape = new GradientTape(true, false)) {
            tape.watch(x);
            Tensor y = Objects.requireNonNull(f.apply(x), "Functional.jacobian: f returned null");
            Tensor[] rows = new Tensor[y.size()];
            for (int i = 0; i < rows.length; i++) {
                double[] unit = new double[y.size()];
                unit[i] = 1;
                Tensor row = tape.gradient(y, List.of(x), new Tensor(y.shape, unit),
                        UnconnectedGradients.ZERO).get(0);
                rows[i] = row.reshape(1, x.size());
            }
            int[] dims = new int[y.rank() + x.rank()];
            System.arraycopy(y.shape.dimsUnsafe(), 0, dims, 0, y.rank());
            System.arraycopy(x.shape.dimsUnsafe(), 0, dims, y.rank(), x.rank());
            if (rows.length == 0) {
                return Tensor.zeros(Shape.of(dims));
            }
            return Tensor.concat(0, rows).reshape(dims);
        }
    }

    /**
     * The Hessian of a scalar function at {@code x}: the Jacobian of its gradient, so element
     * [i..., j...] is d^2 f / d x[i...] d x[j...].
     *
     * @param f the function, which must return a single element
     * @param x the point at which to differentiate twice
     * @return the Hessian, of shape x.shape followed by x.shape
     */
    public static Tensor hessian(UnaryOperator<Tensor> f, Tensor x) {
        return jacobian(z -> gradient(f, z), x);
    }

    private static Tensor scalar(String what, Tensor y) {
        if (y == null) {
            throw new IllegalArgumentException("Functional." + what + ": f returned null");
        }
        if (y.size() != 1) {
            throw new IllegalArgumentException("Functional." + what + ": f returned shape " + y.shape
                    + "; it must return a single element (for a vector function use jacobian)");
        }
        return y;
    }
}
