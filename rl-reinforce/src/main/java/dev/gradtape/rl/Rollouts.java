package dev.gradtape.rl;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects a batch's episodes on up to {@code threads} threads: the calling thread and a pool of
 * {@code threads - 1} daemon workers, made on first use and shut down by {@link #close}.
 *
 * <p>Share w of T takes the contiguous episodes [w n / T, (w + 1) n / T) and runs them side by
 * side in its own environments ({@link EpisodeBatch#run}); the shares are joined in episode
 * order. Every episode draws from its own stream and a row's forward pass does not depend on the
 * other rows of its matrix, so the batch is the same bit for bit for any thread count. Each share
 * runs its matrix products serially ({@link ComputeSettings#withThreads}(1), on the caller's
 * kernel path), so rollout threads and product threads never multiply; the update that follows
 * uses the caller's own settings. While the workers run, nobody writes the policy: they only
 * read its parameters.
 *
 * <p>A worker's exception (a {@link TrainingDivergedException}, say) is thrown on the calling
 * thread as it was thrown, that of the lowest share if several fail, once every share has ended.
 */
final class Rollouts implements AutoCloseable {
    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int threads;
    private ExecutorService pool;
    private boolean closed;

    Rollouts(int threads) {
        this.threads = threads;
    }

    EpisodeBatch collect(GaussianPolicy policy, Environment[] envs, long seed, long update) {
        if (closed) {
            throw new IllegalStateException("Reinforce: this run has been closed (its rollout threads are"
                    + " shut down); make a new Reinforce to train again");
        }
        int n = envs.length;
        int shares = Math.min(threads, n);
        if (shares == 1) {
            return EpisodeBatch.collect(policy, envs, seed, update);
        }
        for (Parameter p : policy.parameters()) {
            p.value(); // each value's tensor is made here, before the workers read it, not by them at once
        }
        startPool();
        // every share's products run serially, on the caller's kernel path: the threads are the shares
        ComputeSettings serial = ComputeSettings.current().withThreads(1);
        List<Future<EpisodeBatch.Share>> futures = submit(policy, envs, seed, update, 1, shares, serial);
        List<EpisodeBatch.Share> parts = new ArrayList<>(shares);
        Throwable failure = null;
        try (ComputeSettings.Scope s = serial.apply()) {
            parts.add(EpisodeBatch.run(policy, envs, 0, n / shares, seed, update));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        failure = join(futures, parts, failure);
        rethrow(failure);
        return EpisodeBatch.of(policy, parts);
    }

    /**
     * Starts collecting update {@code update}'s batch on the workers alone, leaving the calling
     * thread free: Reinforce fits its value network meanwhile, which the batch does not depend on.
     * Needs {@code threads > 1}; the batch equals what {@link #collect} would return, bit for bit.
     */
    Ahead ahead(GaussianPolicy policy, Environment[] envs, long seed, long update) {
        if (closed || threads < 2) {
            throw new IllegalStateException("Rollouts.ahead: needs an open run of 2 or more threads, has "
                    + threads + (closed ? " and is closed" : ""));
        }
        List<Parameter> read = policy.parameters();
        Tensor[] values = new Tensor[read.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = read.get(i).value(); // made here, before the workers read it
        }
        startPool();
        int shares = Math.min(threads - 1, envs.length);
        ComputeSettings serial = ComputeSettings.current().withThreads(1);
        return new Ahead(policy, update, values, submit(policy, envs, seed, update, 0, shares, serial));
    }

    /**
     * Hands shares [first, shares) of the batch to the workers: share w runs episodes
     * [w n / shares, (w + 1) n / shares) with its products on {@code serial}.
     */
    private List<Future<EpisodeBatch.Share>> submit(GaussianPolicy policy, Environment[] envs, long seed,
            long update, int first, int shares, ComputeSettings serial) {
        int n = envs.length;
        List<Future<EpisodeBatch.Share>> futures = new ArrayList<>(shares - first);
        for (int w = first; w < shares; w++) {
            int from = (int) ((long) w * n / shares);
            int to = (int) ((long) (w + 1) * n / shares);
            futures.add(pool.submit(() -> {
                try (ComputeSettings.Scope s = serial.apply()) {
                    return EpisodeBatch.run(policy, envs, from, to, seed, update);
                }
            }));
        }
        return futures;
    }

    /**
     * A batch being collected ahead of its update, and what it was collected with: the update's
     * number and the value of every policy parameter it read.
     */
    static final class Ahead {
        private final GaussianPolicy policy;
        private final long update;
        private final Tensor[] values;
        private final List<Future<EpisodeBatch.Share>> futures;
        private EpisodeBatch batch;
        private boolean failed;

        private Ahead(GaussianPolicy policy, long update, Tensor[] values, List<Future<EpisodeBatch.Share>> futures) {
            this.policy = policy;
            this.update = update;
            this.values = values;
            this.futures = futures;
        }

        /**
         * Waits for every share. A failure is dropped: the batch is then collected again in its own
         * update, which meets the same failure, since the episodes are deterministic.
         */
        void await() {
            List<EpisodeBatch.Share> parts = new ArrayList<>(futures.size());
            failed = join(futures, parts, null) != null;
            if (!failed) {
                batch = EpisodeBatch.of(policy, parts);
            }
        }

        /**
         * The batch, if it is update {@code number}'s and every policy parameter still holds the
         * value the episodes read (a parameter assigned or stepped since gets a new value tensor);
         * otherwise null.
         */
        EpisodeBatch batchFor(long number) {
            if (failed || batch == null || number != update) {
                return null;
            }
            List<Parameter> now = policy.parameters();
            for (int i = 0; i < values.length; i++) {
                if (now.get(i).variable().current() != values[i]) {
                    return null;
                }
            }
            return batch;
        }
    }

    private void startPool() {
        if (pool == null) {
            int id = POOLS.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "gradtape-rollout-" + id + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /**
     * Waits for every share, so that no worker still steps an environment after this returns,
     * adding the results to {@code parts} in order; returns the first failure (of the caller's
     * share, {@code failure}, else of the lowest worker's), or null.
     */
    private static Throwable join(List<Future<EpisodeBatch.Share>> futures, List<EpisodeBatch.Share> parts,
            Throwable failure) {
        boolean interrupted = false;
        for (Future<EpisodeBatch.Share> f : futures) {
            while (true) {
                try {
                    parts.add(f.get());
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // an update is short: finish it, then keep the interrupt
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause();
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return failure;
    }

    private static void rethrow(Throwable failure) {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("Reinforce: a rollout worker failed: " + failure, failure);
        }
    }

    /** Shuts the workers down (they end once idle); later collections are refused. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }
}
