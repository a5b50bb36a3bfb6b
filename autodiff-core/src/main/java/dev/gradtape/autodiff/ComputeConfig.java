package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.MatMulEngine;
import java.util.OptionalInt;

/**
 * Process-wide settings of the compute kernels: how many threads a large matrix product may use,
 * and whether the vector-API kernel is taken when it is available.
 *
 * <p>The thread count starts at the system property {@code gradtape.threads} if set, else the
 * number of available processors. A value that is not a whole number of at least 1 is refused
 * with an {@link IllegalArgumentException} naming the property and the value, from every method
 * here (check it up front with {@link #threadsProperty()}). Results never depend on it: every kernel sums each output
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
    /** The system property that sets the initial thread count: {@code -Dgradtape.threads=2}. */
    public static final String THREADS_PROPERTY = "gradtape.threads";

    private ComputeConfig() {
    }

    /**
     * The thread count asked for by the system property {@value #THREADS_PROPERTY}, or empty when
     * it is unset or blank (the number of processors is then the default).
     *
     * @return the count the property asks for, or empty if it asks for none
     * @throws IllegalArgumentException if it is set to anything but a whole number of at least 1,
     *     with a message naming the property, its value and what is valid
     */
    public static OptionalInt threadsProperty() {
        String p = System.getProperty(THREADS_PROPERTY);
        if (p == null || p.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(p.strip());
            if (n >= 1) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // refused below, with the same message as a number below 1
        }
        throw new IllegalArgumentException("system property " + THREADS_PROPERTY + "=" + p
                + " is not a thread count; give a whole number of at least 1, or leave it unset for"
                + " the number of processors");
    }

    /**
     * Checks the system property before the engine reads it: the engine reads it once, when it is
     * first used, and a bad value there would surface as an {@code ExceptionInInitializerError}.
     */
    private static void checkProperty() {
        threadsProperty();
    }

    /** {@return the number of threads a large matrix product may use (at least 1)} */
    public static int threads() {
        checkProperty();
        return MatMulEngine.threads();
    }

    /**
     * Sets the number of threads a large matrix product may use. Small products always run on
     * the calling thread, where splitting them would cost more than it saves.
     *
     * @param n the thread count, at least 1 (1 keeps every product on the calling thread)
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static void setThreads(int n) {
        checkProperty();
        MatMulEngine.setThreads(n);
    }

    /**
     * {@return true if this JVM can run the vector-API kernel (it was started with the incubator
     * module)}
     */
    public static boolean vectorAvailable() {
        checkProperty();
        return MatMulEngine.vectorAvailable();
    }

    /**
     * Chooses the vector kernel (when available) or the plain-Java one; the vector kernel is the
     * default when available. Both give the same products up to rounding; the switch exists for
     * comparing them and for ruling the vector kernel out when hunting a numerical difference.
     *
     * @param enabled true for the vector kernel (ignored when it is not available), false for the
     *     plain-Java kernel
     */
    public static void setVectorEnabled(boolean enabled) {
        checkProperty();
        MatMulEngine.setVectorEnabled(enabled);
    }

    /** {@return the matrix-product path that runs now: {@code "vector"} or {@code "plain"}} */
    public static String matmulPath() {
        checkProperty();
        return MatMulEngine.vectorActive() ? "vector" : "plain";
    }
}
