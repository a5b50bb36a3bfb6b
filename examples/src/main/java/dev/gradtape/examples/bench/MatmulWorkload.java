package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.Tensor;

/**
 * The bare matrix product n x n x n through {@link Tensor#matmul}, as the peers' matmul limit
 * measures it: 2 n^3 floating-point operations per product.
 */
public final class MatmulWorkload {
    private MatmulWorkload() {
    }

    /** GFLOP/s of repeated n x n products for at least {@code seconds}, after a short warm-up. */
    public static double gflops(int n, double seconds, long seed) {
        Tensor a = Tensor.randn(seed, n, n);
        Tensor b = Tensor.randn(seed + 1, n, n);
        long warmEnd = System.nanoTime() + (long) (0.3e9);
        while (System.nanoTime() < warmEnd) {
            a.matmul(b);
        }
        long t0 = System.nanoTime();
        long end = t0 + (long) (seconds * 1e9);
        int products = 0;
        while (products == 0 || System.nanoTime() < end) {
            a.matmul(b);
            products++;
        }
        double dt = (System.nanoTime() - t0) / 1e9;
        return 2.0 * n * n * n * products / dt / 1e9;
    }
}
