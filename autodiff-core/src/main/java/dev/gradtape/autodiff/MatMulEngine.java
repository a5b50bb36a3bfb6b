package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a (batched) matrix product on the chosen loops ({@link MatMulLoops}) and threads.
 *
 * <p>Work is a fixed partition: the output rows of every matrix of the batch are cut into
 * contiguous chunks (starting at multiples of 8), and thread s of T takes the s-th of T equal runs
 * of chunks. Because the loops compute every element in an order that ignores the partition, the
 * result is the same for any thread count. Products below {@link #PARALLEL_MIN_MACS}
 * multiply-adds stay on the calling thread: handing work to another thread costs tens of
 * microseconds, more than a small product takes (the article's 1x5 and 5x5 take nanoseconds).
 */
final class MatMulEngine {
    /** Multiply-adds below which a product runs on the calling thread alone (a 64^3 product). */
    static final long PARALLEL_MIN_MACS = 1L << 18;
    private static final MatMulLoops PLAIN = MatMulKernel::multiply;
    private static final MatMulLoops VECTOR = loadVectorLoops();

    private static volatile int threads = initialThreads();
    private static volatile boolean vectorEnabled = true;
    private static ExecutorService pool;
    private static int poolThreads;

    private MatMulEngine() {
    }

    static int threads() {
        return threads;
    }

    static void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ComputeConfig.setThreads: " + n + " threads; need at least 1");
        }
        threads = n;
    }

    static boolean vectorAvailable() {
        return VECTOR != null;
    }

    static void setVectorEnabled(boolean enabled) {
        vectorEnabled = enabled;
    }

    static boolean vectorActive() {
        return VECTOR != null && vectorEnabled;
    }

    /** C = op(A) op(B) for single matrices, all starting at offset 0. */
    static void multiply(double[] a, boolean ta, double[] b, boolean tb, double[] c, int n, int k, int m) {
        if (threads == 1 || (long) n * k * m < PARALLEL_MIN_MACS || n < 8) {
            (vectorActive() ? VECTOR : PLAIN).multiply(a, 0, ta, b, 0, tb, c, 0, n, k, m, 0, n);
        } else {
            multiply(a, new int[] {0}, ta, b, new int[] {0}, tb, c, n, k, m);
        }
    }

    /**
     * C[t] = op(A[t]) op(B[t]) for every matrix t of the batch, where A[t] starts at offA[t] of
     * {@code a}, B[t] at offB[t] of {@code b}, and C[t] at t n m of {@code c}.
     */
    static void multiply(double[] a, int[] offA, boolean ta, double[] b, int[] offB, boolean tb,
            double[] c, int n, int k, int m) {
        MatMulLoops loops = vectorActive() ? VECTOR : PLAIN;
        int batches = offA.length;
        int t = threads;
        long macs = (long) batches * n * k * m;
        if (t == 1 || macs < PARALLEL_MIN_MACS || (long) batches * n < 8) {
            for (int q = 0; q < batches; q++) {
                loops.multiply(a, offA[q], ta, b, offB[q], tb, c, q * n * m, n, k, m, 0, n);
            }
            return;
        }
        // Chunks of rows: one per matrix when there are enough matrices, else split the rows.
        int perBatch = batches >= t ? 1 : Math.min((t + batches - 1) / batches, (n + 7) / 8);
        int items = batches * perBatch;
        int workers = Math.min(t, items);
        List<Future<?>> pending = new ArrayList<>(workers - 1);
        ExecutorService exec = pool(workers - 1);
        for (int s = 1; s < workers; s++) {
            int from = (int) ((long) s * items / workers);
            int to = (int) ((long) (s + 1) * items / workers);
            pending.add(exec.submit(() -> run(loops, a, offA, ta, b, offB, tb, c, n, k, m, perBatch, from, to)));
        }
        run(loops, a, offA, ta, b, offB, tb, c, n, k, m, perBatch, 0, items / workers);
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

    /** Runs chunks [from, to): chunk q is rows part (q mod perBatch) of matrix q / perBatch. */
    private static void run(MatMulLoops loops, double[] a, int[] offA, boolean ta, double[] b, int[] offB,
            boolean tb, double[] c, int n, int k, int m, int perBatch, int from, int to) {
        for (int q = from; q < to; q++) {
            int t = q / perBatch;
            int part = q % perBatch;
            int i0 = rowStart(part, perBatch, n);
            int i1 = rowStart(part + 1, perBatch, n);
            if (i0 < i1) {
                loops.multiply(a, offA[t], ta, b, offB[t], tb, c, t * n * m, n, k, m, i0, i1);
            }
        }
    }

    /** The first row of part p of n rows cut into parts parts, rounded down to a multiple of 8 (the tile height). */
    private static int rowStart(int p, int parts, int n) {
        return p == parts ? n : (int) ((long) p * n / parts) & ~7;
    }

    private static synchronized ExecutorService pool(int size) {
        if (pool == null || poolThreads < size) {
            if (pool != null) {
                pool.shutdown();
            }
            pool = Executors.newFixedThreadPool(size, r -> {
                Thread th = new Thread(r, "gradtape-matmul");
                th.setDaemon(true);
                return th;
            });
            poolThreads = size;
        }
        return pool;
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
     * The vector-API loops, or null when the JVM was started without the incubator module. The
     * class is looked up by name because it is compiled separately (with the module), and loading
     * it without the module would fail.
     */
    private static MatMulLoops loadVectorLoops() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return null;
        }
        try {
            return (MatMulLoops) Class.forName("dev.gradtape.autodiff.MatMulVectorKernel")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
