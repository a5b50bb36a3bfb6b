package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.MatMulEngine;
import java.util.ArrayList;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How the compute kernels run on a thread: how many threads a large matrix product may use, and
 * whether the vector-API kernel is taken when it is available. A value: you make one, hold it,
 * and {@linkplain #apply() apply} it to the code that should run with it.
 *
 * <pre>{@code
 * ComputeSettings serial = ComputeSettings.current().withThreads(1);
 * try (ComputeSettings.Scope scope = serial.apply()) {
 *     loss = model.forward(x);          // every product here stays on this thread
 * }
 * }</pre>
 *
 * <p>A scope belongs to the thread that opened it and affects only that thread; a thread with no
 * scope open uses the {@linkplain #defaults() defaults}. Nothing here is process-wide, so two
 * parts of a program (rollout workers that should each run serially, and an update that should
 * use every core) can each hold what they need without undoing each other's choice.
 *
 * <p><b>Results never depend on these settings' thread count:</b> every kernel sums each output
 * element in an order fixed by the operand shapes alone, so any thread count, and any split of a
 * batch's rows, gives the same bits. The vector kernel ({@code jdk.incubator.vector}, used only
 * when the JVM was started with {@code --add-modules jdk.incubator.vector} and gradtape-vector is
 * present) fuses multiply and add, so it agrees with the plain-Java kernel to round-off, not bit
 * for bit: a run is reproducible bit for bit for a given path. Products whose B has at most 64
 * elements (the article's layers) take the same direct loop on both paths.
 */
public final class ComputeSettings {
    /** The system property that sets the default thread count: {@code -Dgradtape.threads=2}. */
    public static final String THREADS_PROPERTY = "gradtape.threads";

    /** Each thread's open scopes, innermost last. */
    private static final ThreadLocal<ArrayList<Scope>> SCOPES = ThreadLocal.withInitial(ArrayList::new);

    private final MatMulEngine.Settings settings;

    private ComputeSettings(MatMulEngine.Settings settings) {
        this.settings = settings;
    }

    /**
     * The settings of a thread that has applied none: the thread count from the system property
     * {@value #THREADS_PROPERTY} if set, else the number of available processors, and the vector
     * kernel whenever it is available.
     *
     * @return the defaults
     * @throws IllegalArgumentException if the property is set to anything but a whole number of
     *     at least 1, with a message naming the property, its value and what is valid
     */
    public static ComputeSettings defaults() {
        threadsProperty();
        return new ComputeSettings(MatMulEngine.defaults());
    }

    /**
     * {@return the calling thread's settings: those of its innermost open scope, else the
     * defaults}
     *
     * @throws IllegalArgumentException if no scope is open and the system property
     *     {@value #THREADS_PROPERTY} is not a valid thread count
     */
    public static ComputeSettings current() {
        ArrayList<Scope> open = SCOPES.get();
        return open.isEmpty() ? defaults() : open.get(open.size() - 1).settings;
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
     * {@return true if this JVM can run the vector-API kernel: it was started with the incubator
     * module and gradtape-vector is present}
     */
    public static boolean vectorAvailable() {
        return MatMulEngine.vectorAvailable();
    }

    /**
     * These settings with another thread count for large matrix products. Small products always
     * run on the calling thread, where splitting them would cost more than it saves.
     *
     * @param n the thread count, at least 1 (1 keeps every product on the calling thread)
     * @return the new settings; this one is unchanged
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public ComputeSettings withThreads(int n) {
        return new ComputeSettings(new MatMulEngine.Settings(n, settings.vector()));
    }

    /**
     * These settings choosing the vector kernel (when available) or the plain-Java one. Both give
     * the same products up to rounding; the choice exists for comparing them and for ruling the
     * vector kernel out when hunting a numerical difference.
     *
     * @param enabled true for the vector kernel (ignored when it is not available), false for the
     *     plain-Java kernel
     * @return the new settings; this one is unchanged
     */
    public ComputeSettings withVector(boolean enabled) {
        return new ComputeSettings(new MatMulEngine.Settings(settings.threads(), enabled));
    }

    /** {@return the number of threads a large matrix product may use, at least 1} */
    public int threads() {
        return settings.threads();
    }

    /** {@return true if these settings ask for the vector kernel (see {@link #matmulPath()})} */
    public boolean vector() {
        return settings.vector();
    }

    /** {@return the matrix-product path these settings run: {@code "vector"} or {@code "plain"}} */
    public String matmulPath() {
        return settings.vector() && vectorAvailable() ? "vector" : "plain";
    }

    /**
     * Makes these the calling thread's settings until the returned scope is closed. Scopes nest;
     * closing one returns the thread to the settings of the innermost scope still open, or to the
     * defaults.
     *
     * @return the scope, to close on this thread (try-with-resources)
     */
    public Scope apply() {
        Scope s = new Scope(this, Thread.currentThread());
        ArrayList<Scope> open = SCOPES.get();
        open.add(s);
        MatMulEngine.setCurrent(settings);
        return s;
    }

    /** The settings applied to one thread until {@link #close()}. */
    public static final class Scope implements AutoCloseable {
        private final ComputeSettings settings;
        private final Thread owner;
        private boolean closed;

        private Scope(ComputeSettings settings, Thread owner) {
            this.settings = settings;
            this.owner = owner;
        }

        /**
         * Ends this scope: the thread goes back to the innermost scope still open, or to the
         * defaults. Scopes may be closed in any order; closing twice does nothing.
         *
         * @throws IllegalStateException if called from a thread other than the one that opened it
         */
        @Override
        public void close() {
            if (Thread.currentThread() != owner) {
                throw new IllegalStateException("ComputeSettings.Scope.close: the scope was opened on thread "
                        + owner.getName() + " and is closed on " + Thread.currentThread().getName()
                        + "; close a scope on the thread that applied it");
            }
            if (closed) {
                return;
            }
            closed = true;
            ArrayList<Scope> open = SCOPES.get();
            open.remove(this);
            MatMulEngine.setCurrent(open.isEmpty() ? null : open.get(open.size() - 1).settings.settings);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComputeSettings c && c.settings.equals(settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(settings);
    }

    @Override
    public String toString() {
        return "ComputeSettings[threads=" + threads() + ", matmul=" + matmulPath() + "]";
    }
}
