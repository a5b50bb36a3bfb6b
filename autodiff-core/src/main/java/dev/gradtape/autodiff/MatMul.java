package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.MatMulEngine;
import java.util.Arrays;

/**
 * Matrix product of the last two axes, optionally of transposed operands, with NumPy
 * broadcasting of the leading (batch) axes: C = op(A) op(B), where op(X) is X or X^T (the last
 * two axes swapped), so (..., n, k) @ (..., k, m) -> (..., n, m) for the operands as op presents
 * them. {@link Tensor#matmul} is the case without transposes; the transposed forms exist so that
 * backward never materialises a transpose.
 *
 * <p>With C = A B and incoming gradient G: dA = G B^T, dB = A^T G. For the transposed forms the
 * same identities, transposed where needed, give (each then summed back over the batch axes its
 * operand was broadcast along):
 * <pre>
 *   C = A   B   : dA = G B^T      dB = A^T G
 *   C = A   B^T : dA = G B        dB = G^T A
 *   C = A^T B   : dA = B G^T      dB = A G
 *   C = A^T B^T : dA = B^T G^T    dB = G^T A^T
 * </pre>
 * Each right-hand side is again a {@code MatMul} with other flags, so the backward is itself
 * differentiable to any order.
 */
final class MatMul extends Op {
    private static final MatMul[] OPS = {new MatMul(false, false), new MatMul(false, true),
        new MatMul(true, false), new MatMul(true, true)};
    private static final String[] NAMES = {"matMul", "matMulTransposedB", "matMulTransposedA",
        "matMulTransposedATransposedB"};

    private final boolean transposeA;
    private final boolean transposeB;

    private MatMul(boolean transposeA, boolean transposeB) {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
    }

    /** op(A) op(B), transposing the operands whose flag is set. */
    static MatMul of(boolean transposeA, boolean transposeB) {
        return OPS[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];
    }

    @Override
    String name() {
        return NAMES[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];
    }

    @Override
    String rule(int input) { // for C = A B; the transposed forms as in the table above
        return input == 0 ? "{g} @ {1}^T" + (transposeA || transposeB ? " (transposed as above)" : "")
                : "{0}^T @ {g}" + (transposeA || transposeB ? " (transposed as above)" : "");
    }

    @Override
    Shape shape(Shape[] in) {
        Shape sa = in[0];
        Shape sb = in[1];
        if (sa.rank() < 2 || sb.rank() < 2) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb
                    + ": both operands need at least two axes");
        }
        int k = sa.dim(transposeA ? -2 : -1);
        int kb = sb.dim(transposeB ? -1 : -2);
        if (kb != k) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb + " do not match:"
                    + " the " + (transposeA ? "second-to-last" : "last") + " dimension of the left operand (" + k
                    + ") must equal the " + (transposeB ? "last" : "second-to-last") + " of the right (" + kb + ")");
        }
        Shape batch;
        try {
            batch = Shape.broadcast("matmul", batch(sa), batch(sb));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb + " do not match:"
                    + " their batch dimensions " + batch(sa) + " and " + batch(sb) + " cannot be broadcast;"
                    + " aligned from the right, each pair must be equal or one of them 1", e);
        }
        int[] outDims = Arrays.copyOf(batch.dimsUnsafe(), batch.rank() + 2);
        outDims[batch.rank()] = sa.dim(transposeA ? -1 : -2);
        outDims[batch.rank() + 1] = sb.dim(transposeB ? -2 : -1);
        return Shape.ofTrusted(outDims);
    }

    private String label() {
        return "matmul" + (transposeA ? " (left operand transposed)" : "")
                + (transposeB ? " (right operand transposed)" : "");
    }

    private static Shape batch(Shape s) {
        return s.rank() == 2 ? Shape.SCALAR : Shape.of(Arrays.copyOf(s.dimsUnsafe(), s.rank() - 2));
    }

    @Override
    Kernel kernel(Shape[] in, Shape out) {
        return MatMulEngine.kernel(transposeA, transposeB, in[0].dimsUnsafe(), in[1].dimsUnsafe(),
                out.dimsUnsafe());
    }

    @Override
    Tensor[] backward(Node node, Tensor g) {
        Tensor a = node.input(0);
        Tensor b = node.input(1);
        Tensor da = null;
        Tensor db = null;
        if (node.needsGradient(0)) {
            da = transposeA ? of(transposeB, true).apply(b, g) : of(false, !transposeB).apply(g, b);
            da = da.sumTo(a.shape);
        }
        if (node.needsGradient(1)) {
            db = transposeB ? of(true, transposeA).apply(g, a) : of(!transposeA, false).apply(a, g);
            db = db.sumTo(b.shape);
        }
        return new Tensor[] {da, db};
    }
}
