package dev.gradtape.autodiff;

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
final class MatMul extends Primitive {
    private final boolean transposeA;
    private final boolean transposeB;

    /** The plain product A B. */
    MatMul() {
        this(false, false);
    }

    /** op(A) op(B), transposing the operands whose flag is set. */
    MatMul(boolean transposeA, boolean transposeB) {
        this.transposeA = transposeA;
        this.transposeB = transposeB;
    }

    private static final String[] NAMES = {"matMul", "matMulTransposedB", "matMulTransposedA",
        "matMulTransposedATransposedB"};

    @Override
    public String name() {
        return NAMES[(transposeA ? 2 : 0) + (transposeB ? 1 : 0)];
    }

    /** The operation as error messages name it: Tensor.matmul's name, plus the transposes. */
    private String label() {
        return "matmul" + (transposeA ? " (left operand transposed)" : "")
                + (transposeB ? " (right operand transposed)" : "");
    }

    @Override
    ReplayKernel replayKernel() {
        // batched products keep the primitive's own loops (through the generic kernel)
        return input(0).rank() == 2 && input(1).rank() == 2
                ? new ReplayKernels.MatMul2(transposeA, transposeB, input(0).shape, input(1).shape,
                        output().shape)
                : null;
    }

    @Override
    Function copyForReplay() {
        return new MatMul(transposeA, transposeB);
    }

    @Override
    protected Tensor forward(Tensor... in) {
        Tensor a = in[0];
        Tensor b = in[1];
        Shape sa = a.shape;
        Shape sb = b.shape;
        if (sa.rank() < 2 || sb.rank() < 2) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb
                    + ": both operands need at least two axes");
        }
        int n = sa.dim(transposeA ? -1 : -2);
        int k = sa.dim(transposeA ? -2 : -1);
        int kb = sb.dim(transposeB ? -1 : -2);
        int m = sb.dim(transposeB ? -2 : -1);
        if (kb != k) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb + " do not match:"
                    + " the " + (transposeA ? "second-to-last" : "last") + " dimension of the left operand (" + k
                    + ") must equal the " + (transposeB ? "last" : "second-to-last") + " of the right (" + kb + ")");
        }
        if (sa.rank() == 2 && sb.rank() == 2) {
            // The common case (every Dense layer) skips the batch bookkeeping.
            double[] r = new double[n * m];
            MatMulEngine.multiply(a.data, transposeA, b.data, transposeB, r, n, k, m);
            return new Tensor(Shape.ofTrusted(new int[] {n, m}), r);
        }
        Shape batchA = Shape.of(Arrays.copyOf(sa.dimsUnsafe(), sa.rank() - 2));
        Shape batchB = Shape.of(Arrays.copyOf(sb.dimsUnsafe(), sb.rank() - 2));
        Shape batch;
        try {
            batch = Shape.broadcast(label(), batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label() + ": shapes " + sa + " and " + sb + " do not match:"
                    + " their batch dimensions " + batchA + " and " + batchB + " cannot be broadcast;"
                    + " aligned from the right, each pair must be equal or one of them 1", e);
        }
        int[] outDims = Arrays.copyOf(batch.dimsUnsafe(), batch.rank() + 2);
        outDims[batch.rank()] = n;
        outDims[batch.rank() + 1] = m;
        int batches = batch.size();
        int[] offA = new int[batches];
        int[] offB = new int[batches];
        int[] ia = batchA.equals(batch) ? null : Broadcast.sourceIndex(batchA, batch);
        int[] ib = batchB.equals(batch) ? null : Broadcast.sourceIndex(batchB, batch);
        for (int t = 0; t < batches; t++) {
            offA[t] = (ia == null ? t : ia[t]) * n * k;
            offB[t] = (ib == null ? t : ib[t]) * k * m;
        }
        double[] r = new double[batches * n * m];
        MatMulEngine.multiply(a.data, offA, transposeA, b.data, offB, transposeB, r, n, k, m);
        return new Tensor(Shape.of(outDims), r);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = input(0);
        Tensor b = input(1);
        Tensor da = null;
        Tensor db = null;
        if (needsGradient(0)) {
            da = transposeA
                    ? new MatMul(transposeB, true).apply(b, g)
                    : new MatMul(false, !transposeB).apply(g, b);
            da = da.sumTo(a.shape);
        }
        if (needsGradient(1)) {
            db = transposeB
                    ? new MatMul(true, transposeA).apply(g, a)
                    : new MatMul(!transposeA, false).apply(a, g);
            db = db.sumTo(b.shape);
        }
        return new Tensor[] {da, db};
    }
}
