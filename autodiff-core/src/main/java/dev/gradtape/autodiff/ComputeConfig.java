package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.MatMulEngine;

/**
 * Process-wide settings of the compute kernels: how many threads a large matrix product may use,
 * and whether the vector-API kernel is taken when it is available.
 *
 * <p>The thread count starts at the system property {@code gradtape.threads} if set, else the
 * number of available processors. Results never depend on it: every kernel sums each output
 * element in an order fixed by the operand shapes alone, so any thread count gives the same
 * bits (see the matmul kernels).
 *
 * <p>The vector kernel ({@code jdk.incubator.vector}) is used only when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}; otherwise the plain-Java kernel runs. The two agree
 * to round-off (the vector kernel fuses multiply and add), not bit for bit, so a run is
 * reproducible bit for bit for a given path, whatever the thread count. Products of at most 1024
 * multiply-adds (the article's layers) take the same direct loop on both paths.
 */
public final class ComputeConfig {
    private ComputeConfig() {
    }

    /** The number of threads a large matrix product may use (at least 1). */
    public static int threads() {
        return MatMulEngine.threads();
    }

    /**
     * Sets the number of threads a large matrix product may use.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        MatMulEngine.setThreads(n);
    }

    /** True if this JVM can run the vector-API kernel (it was started with the incubator module). */
    public static boolean vectorAvailable() {
        return MatMulEngine.vectorAvailable();
    }

    /**
     * Chooses the vector kernel (when available) or the plain-Java one; the vector kernel is the
     * default when available.
     */
    public static void setVectorEnabled(boolean enabled) {
        MatMulEngine.setVectorEnabled(enabled);
    }

    /** The matrix-product path that runs now: {@code "vector"} or {@code "plain"}. */
    public static String matmulPath() {
        return MatMulEngine.vectorActive() ? "vector" : "plain";
    }
}
