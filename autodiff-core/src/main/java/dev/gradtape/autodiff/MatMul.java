package dev.gradtape.autodiff;

/**
 * Matrix product of the last two axes, with NumPy broadcasting of the leading (batch) axes:
 * (..., n, k) @ (..., k, m) -> (..., n, m).
 *
 * <p>With C = A B and incoming gradient G: dA = G B^T, dB = A^T G, each summed back over the
 * batch axes its operand was broadcast along.
 */
final class MatMul extends Function {
    @Override
    protected Tensor forward(Tensor... in) {
        Tensor a = in[0];
        Tensor b = in[1];
        Shape sa = a.shape;
        Shape sb = b.shape;
        int n = sa.dim(-2);
        int k = sa.dim(-1);
        int m = sb.dim(-1);
        if (sb.dim(-2) != k) {
            throw new IllegalArgumentException("matmul: shapes " + sa + " and " + sb + " do not match:"
                    + " the last dimension of the left operand (" + k + ") must equal the"
                    + " second-to-last of the right (" + sb.dim(-2) + ")");
        }
        Shape batchA = Shape.of(java.util.Arrays.copyOf(sa.dimsUnsafe(), sa.rank() - 2));
        Shape batchB = Shape.of(java.util.Arrays.copyOf(sb.dimsUnsafe(), sb.rank() - 2));
        Shape batch;
        try {
            batch = Shape.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: shapes " + sa + " and " + sb + " do not match:"
                    + " their batch dimensions " + batchA + " and " + batchB + " cannot be broadcast;"
                    + " aligned from the right, each pair must be equal or one of them 1", e);
        }
        int[] outDims = java.util.Arrays.copyOf(batch.dimsUnsafe(), batch.rank() + 2);
        outDims[batch.rank()] = n;
        outDims[batch.rank() + 1] = m;
        int batches = batch.size();
        double[] r = new double[batches * n * m];
        int[] ia = batchA.equals(batch) ? null : Broadcast.sourceIndex(batchA, batch);
        int[] ib = batchB.equals(batch) ? null : Broadcast.sourceIndex(batchB, batch);
        for (int t = 0; t < batches; t++) {
            int offA = (ia == null ? t : ia[t]) * n * k;
            int offB = (ib == null ? t : ib[t]) * k * m;
            MatMulKernel.multiply(a.data, offA, b.data, offB, r, t * n * m, n, k, m);
        }
        return new Tensor(Shape.of(outDims), r);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = input(0);
        Tensor b = input(1);
        return new Tensor[] {
            needsGradient(0) ? g.matmul(b.transpose()).sumTo(a.shape) : null,
            needsGradient(1) ? a.transpose().matmul(g).sumTo(b.shape) : null};
    }
}
