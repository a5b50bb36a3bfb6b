package dev.gradtape.autodiff;

/** The raw loop behind {@link MatMul}: C[n x m] += A[n x k] B[k x m], row-major. */
final class MatMulKernel {
    private MatMulKernel() {
    }

    static void multiply(double[] a, int offA, double[] b, int offB, double[] c, int offC,
            int n, int k, int m) {
        for (int i = 0; i < n; i++) {
            int rowC = offC + i * m;
            for (int p = 0; p < k; p++) {
                double aip = a[offA + i * k + p];
                int rowB = offB + p * m;
                for (int j = 0; j < m; j++) {
                    c[rowC + j] += aip * b[rowB + j];
                }
            }
        }
    }
}
