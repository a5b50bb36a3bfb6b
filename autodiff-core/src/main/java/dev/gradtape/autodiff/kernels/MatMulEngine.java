package dev.gradtape.autodiff.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a (batched) matrix product on the chosen loops ({@link MatMulLoops}) and threads.
 *
 * <p>The output rows of every matrix of the batch are cut into chunks of {@link #CHUNK_ROWS}
 * rows, and the calling thread and up to T - 1 pool threads take chunks one at a time until none
 * are left. Which thread computes which chunk varies from run to run, but the result does not:
 * the loops compute every element in an order fixed by the shapes alone (see
 * {@link MatMulKernel}), so the bits are the same for any thread count and any schedule. Sharing
 * chunks as threads come free, rather than a fixed half each, keeps two threads useful when
 * another process holds one of the cores. Products below {@link #PARALLEL_MIN_MACS}
 * multiply-adds stay on the calling thread: handing work to another thread costs tens of
 * microseconds, more than a small product takes (the article's 1x5 and 5x5 take nanoseconds).
 */
public final class MatMulEngine {
    /**
     * Multiply-adds below which a product runs on the calling thread alone: 2^21, about 50
     * microseconds of work, where a second thread starts to pay for waking it (the measurements
     * behind the figure are in docs/benchmarks/kernels.md).
     */
    static final long PARALLEL_MIN_MACS = 1L << 21;
    /** Rows per chunk: a multiple of both vector tiles (8 and 6 rows), so no chunk computes a padded tile. */
    static final int CHUNK_ROWS = 48;
    private static final MatMulLoops PLAIN = MatMulKernel::multiply;
    private static final MatMulLoops VECTOR = loadVector(MatMulLoops.class);
    private static final ElementwiseLoops VECTOR_ELEMENTWISE = loadVector(ElementwiseLoops.class);

    /**
     * The settings a product reads: the thread count and whether the vector loops are wanted.
     *
     * @param threads the number of threads a large product may use, at least 1
     * @param vector true to take the vector loops when they are available
     */
    public record Settings(int threads, boolean vector) {
        /**
         * Checks the thread count.
         *
         * @param threads the number of threads a large product may use, at least 1
         * @param vector true to take the vector loops when they are available
         * @throws IllegalArgumentException if {@code threads < 1}
         */
        public Settings {
            if (threads < 1) {
                throw new IllegalArgumentException("ComputeSettings.withThreads: " + threads
                        + " threads; need at least 1");
            }
        }
    }

    /** The defaults, made when first needed (see {@link #defaults()}). */
    private static volatile Settings defaults;
    /** Each thread's settings, or null for the defaults. */
    private static final ThreadLocal<Settings> CURRENT = new ThreadLocal<>();
    /** Worker threads, made as products ask for them and ended after a minute idle. */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread th = new Thread(r, "gradtape-matmul");
        th.setDaemon(true);
        return th;
    });

    private MatMulEngine() {
    }

    /**
     * The settings of a thread that set none: the thread count from the system property
     * {@code gradtape.threads}, else the number of processors, and the vector loops when
     * available. Read when first needed rather than when the class loads, so that a bad property
     * is an {@link IllegalArgumentException} naming it, not an ExceptionInInitializerError.
     *
     * @return the defaults
     * @throws IllegalArgumentException if the property is not a whole number of at least 1
     */
    public static Settings defaults() {
        Settings d = defaults;
        if (d == null) {
            d = new Settings(initialThreads(), true);
            defaults = d;
        }
        return d;
    }

    /** {@return the calling thread's settings: those it was given, else the defaults} */
    public static Settings current() {
        Settings s = CURRENT.get();
        return s != null ? s : defaults();
    }

    /**
     * Sets the calling thread's settings.
     *
     * @param settings the settings, or null for the defaults
     */
    public static void setCurrent(Settings settings) {
        if (settings == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(settings);
        }
    }

    /** {@return true if the vector-API loops loaded (the JVM has the incubator module)} */
    public static boolean vectorAvailable() {
        return VECTOR != null;
    }

    private static MatMulLoops loops(Settings s) {
        return VECTOR != null && s.vector() ? VECTOR : PLAIN;
    }

    /**
     * {@return the elementwise loops of this thread's path: the vector module's when the vector
     * path is on and they loaded, else the plain ones (the same bits either way)}
     */
    public static ElementwiseLoops elementwise() {
        return VECTOR_ELEMENTWISE != null && current().vector() ? VECTOR_ELEMENTWISE : ElementwiseLoops.PLAIN;
    }

    /**
     * The kernel of a (batched) product op(A) op(B) of operands of shapes {@code a} and {@code b}
     * whose leading (batch) axes broadcast to those of {@code out}: the offset of every matrix
     * pair is worked out here, once.
     *
     * @param ta true if A is stored transposed (op(A) = A^T)
     * @param tb true if B is stored transposed (op(B) = B^T)
     * @param a A's dimensions, rank at least 2
     * @param b B's dimensions, rank at least 2
     * @param out the result's dimensions: the broadcast batch axes, then n and m
     * @return a kernel reading inputs {@code [a, b]} and writing C
     */
    public static Kernel kernel(boolean ta, boolean tb, int[] a, int[] b, int[] out) {
        int r = out.length;
        int n = out[r - 2];
        int m = out[r - 1];
        int k = ta ? a[a.length - 2] : a[a.length - 1];
        if (r == 2) {
            return kernel(ta, tb, n, k, m);
        }
        int[] batch = java.util.Arrays.copyOf(out, r - 2);
        int[] ia = Broadcast.sourceIndex(java.util.Arrays.copyOf(a, a.length - 2), batch);
        int[] ib = Broadcast.sourceIndex(java.util.Arrays.copyOf(b, b.length - 2), batch);
        int[] offA = new int[ia.length];
        int[] offB = new int[ib.length];
        for (int t = 0; t < ia.length; t++) {
            offA[t] = ia[t] * n * k;
            offB[t] = ib[t] * k * m;
        }
        return kernel(ta, tb, n, k, m, offA, offB);
    }

    /**
     * The kernel of C = op(A) op(B) for matrices stored at {@code offA[t]} and {@code offB[t]}, one
     * pair per matrix t of the batch (C[t] at t n m); a single pair at offset 0 is the plain product.
     *
     * @param ta true if A is stored transposed
     * @param tb true if B is stored transposed
     * @param n the rows of op(A) and of C
     * @param k the columns of op(A), the rows of op(B)
     * @param m the columns of op(B) and of C
     * @param offA for each matrix of the batch, where its A starts
     * @param offB for each matrix of the batch, where its B starts (as many as {@code offA})
     * @return a kernel reading inputs {@code [a, b]} and writing C
     */
    public static Kernel kernel(boolean ta, boolean tb, int n, int k, int m, int[] offA, int[] offB) {
        if (offA.length == 1 && offA[0] == 0 && offB[0] == 0) {
            return kernel(ta, tb, n, k, m);
        }
        return (in, c) -> multiply(in[0], offA, ta, in[1], offB, tb, c, n, k, m);
    }

    /**
     * The kernel of C = op(A) op(B) for two matrices.
     *
     * @param ta true if A is stored transposed
     * @param tb true if B is stored transposed
     * @param n the rows of op(A) and of C
     * @param k the columns of op(A), the rows of op(B)
     * @param m the columns of op(B) and of C
     * @return a kernel reading inputs {@code [a, b]} and writing C
     */
    public static Kernel kernel(boolean ta, boolean tb, int n, int k, int m) {
        return new Product(ta, tb, n, k, m);
    }

    private record Product(boolean ta, boolean tb, int n, int k, int m) implements Kernel {
        @Override
        public void run(double[][] in, double[] c) {
            multiply(in[0], ta, in[1], tb, c, n, k, m);
        }
    }

    /**
     * C = op(A) op(B) for single matrices, all starting at offset 0.
     *
     * @param a A, row-major, n x k (k x n if {@code ta})
     * @param ta true if A is stored transposed
     * @param b B, row-major, k x m (m x k if {@code tb})
     * @param tb true if B is stored transposed
     * @param c C, row-major, n x m, overwritten
     * @param n the rows of op(A) and of C
     * @param k the columns of op(A), the rows of op(B)
     * @param m the columns of op(B) and of C
     */
    public static void multiply(double[] a, boolean ta, double[] b, boolean tb, double[] c, int n, int k, int m) {
        if (small(k, m)) {
            boolean rows = tb && rowForm(n, m);
            double[] bb = rows ? transposedCopy(b, k, m, b.length) : b;
            MatMulKernel.multiplySmall(a, 0, ta, bb, 0, tb && !rows, c, 0, n, k, m);
            return;
        }
        Settings s = current();
        if (s.threads() == 1 || (long) n * k * m < PARALLEL_MIN_MACS || n < 8) {
            double[] bb = tb ? transposedCopy(b, k, m, b.length) : b;
            loops(s).multiply(a, 0, ta, bb, 0, false, c, 0, n, k, m, 0, n);
        } else {
            multiply(a, new int[] {0}, ta, b, new int[] {0}, tb, c, n, k, m);
        }
    }

    /**
     * C[t] = op(A[t]) op(B[t]) for every matrix t of the batch, where A[t] starts at offA[t] of
     * {@code a}, B[t] at offB[t] of {@code b}, and C[t] at t n m of {@code c}.
     *
     * @param a the A matrices, each row-major, n x k (k x n if {@code ta})
     * @param offA for each matrix of the batch, where its A starts
     * @param ta true if each A is stored transposed
     * @param b the B matrices, each row-major, k x m (m x k if {@code tb})
     * @param offB for each matrix of the batch, where its B starts
     * @param tb true if each B is stored transposed
     * @param c the C matrices, one after another, overwritten
     * @param n the rows of op(A) and of C
     * @param k the columns of op(A), the rows of op(B)
     * @param m the columns of op(B) and of C
     */
    public static void multiply(double[] a, int[] offA, boolean ta, double[] b, int[] offB, boolean tb,
            double[] c, int n, int k, int m) {
        int batches = offA.length;
        if (small(k, m)) {
            // B untransposed lets multiplySmall run row by row (the same sums, faster)
            boolean rows = tb && rowForm(n, m);
            double[] bb = rows ? transposedCopy(b, k, m, b.length) : b;
            for (int q = 0; q < batches; q++) {
                MatMulKernel.multiplySmall(a, offA[q], ta, bb, offB[q], tb && !rows, c, q * n * m, n, k, m);
            }
            return;
        }
        Settings s = current();
        MatMulLoops loops = loops(s);
        // B^T once per product, not once per chunk: every matrix of b, at its own offset.
        double[] bb = tb ? transposedCopy(b, k, m, b.length) : b;
        int t = s.threads();
        long macs = (long) batches * n * k * m;
        if (t == 1 || macs < PARALLEL_MIN_MACS || (long) batches * n < 8) {
            for (int q = 0; q < batches; q++) {
                loops.multiply(a, offA[q], ta, bb, offB[q], false, c, q * n * m, n, k, m, 0, n);
            }
            return;
        }
        // Chunks of CHUNK_ROWS rows of every matrix, handed out one at a time to whichever thread
        // is free: a thread slowed by another process on its core simply takes fewer chunks.
        int perBatch = (n + CHUNK_ROWS - 1) / CHUNK_ROWS;
        int items = batches * perBatch;
        int workers = Math.min(t, items);
        AtomicInteger next = new AtomicInteger();
        Runnable work = () -> {
            for (int q = next.getAndIncrement(); q < items; q = next.getAndIncrement()) {
                int mat = q / perBatch;
                int i0 = (q % perBatch) * CHUNK_ROWS;
                loops.multiply(a, offA[mat], ta, bb, offB[mat], false, c, mat * n * m, n, k, m, i0,
                        Math.min(n, i0 + CHUNK_ROWS));
            }
        };
        List<Future<?>> pending = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            pending.add(POOL.submit(work));
        }
        work.run();
        for (Future<?> f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("matmul: interrupted while waiting for a worker thread", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("matmul: a worker thread failed", e.getCause());
            }
        }
    }

    /**
     * True if a product whose B is k x m takes {@link MatMulKernel#multiplySmall}. The choice looks
     * at B alone, never at the number of rows n, so a row of C is the same to the bit whether it
     * was computed alone or among thousands (a rollout's row must not depend on how many episodes
     * shared its forward pass). The article's 5 x 5 layers are small; Pendulum's 64 x 64 is not.
     */
    static boolean small(int k, int m) {
        return (long) k * m <= MatMulKernel.SMALL_B;
    }

    /**
     * True if a small product with B stored transposed is worth transposing B first, so that
     * multiplySmall runs row by row: enough rows to repay the copy, and rows of B long enough.
     * Either way every element is the same k-order sum, so this choice may look at n.
     */
    private static boolean rowForm(int n, int m) {
        return n >= 16 && m >= MatMulKernel.ROW_FORM_MIN;
    }

    /**
     * Every m x k matrix stored in {@code b} (back to back) transposed to k x m at the same
     * offset, so the loops read B^T row by row. Done here once per product rather than by each
     * chunk: with 48-row chunks the loops would otherwise transpose B six times for 256 rows.
     * Tiles of 32 x 32 keep both the reads and the writes within a few cache lines.
     */
    static double[] transposedCopy(double[] b, int k, int m, int length) {
        double[] t = scratch(length);
        int size = k * m;
        for (int off = 0; off + size <= b.length && size > 0; off += size) {
            for (int j0 = 0; j0 < m; j0 += 32) {
                int j1 = Math.min(m, j0 + 32);
                for (int p0 = 0; p0 < k; p0 += 32) {
                    int p1 = Math.min(k, p0 + 32);
                    for (int j = j0; j < j1; j++) {
                        for (int p = p0; p < p1; p++) {
                            t[off + p * m + j] = b[off + j * k + p];
                        }
                    }
                }
            }
        }
        return t;
    }

    /** Each thread's buffer for B^T, grown as needed: a product in a loop allocates nothing. */
    private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

    /**
     * This thread's scratch array of at least {@code length} elements. It is only ever read by
     * the product that filled it (worker threads read it while the caller waits), so reuse is safe.
     */
    private static double[] scratch(int length) {
        double[] s = SCRATCH.get();
        if (s.length < length) {
            s = new double[length];
            SCRATCH.set(s);
        }
        return s;
    }

    private static int initialThreads() {
        String p = System.getProperty("gradtape.threads");
        if (p == null || p.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(p.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("system property gradtape.threads=" + p
                + " is not a thread count; give a whole number of at least 1");
    }

    /**
     * The vector-API implementation of {@code service}, or null. It comes from the module
     * {@code dev.gradtape.autodiff.vector} (artifact gradtape-vector) as a service, and only when
     * the JVM has {@code jdk.incubator.vector}: on the class path the provider's class would fail
     * to link without it. On the module path, requiring the vector module resolves the incubator
     * module too.
     */
    private static <T> T loadVector(Class<T> service) {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            for (T loops : ServiceLoader.load(service, MatMulEngine.class.getClassLoader())) {
                return loops;
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            // a provider that cannot load: the plain loops serve
        }
        return null;
    }
}
