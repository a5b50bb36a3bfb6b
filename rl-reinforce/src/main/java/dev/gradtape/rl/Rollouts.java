package dev.gradtape.rl;

import dev.gradtape.autodiff.ComputeSettings;
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
        if (pool == null) {
            int id = POOLS.incrementAndGet();
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads - 1, r -> {
                Thread t = new Thread(r, "gradtape-rollout-" + id + "-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        // every share's products run serially, on the caller's kernel path: the threads are the shares
        ComputeSettings serial = ComputeSettings.current().withThreads(1);
        List<Future<EpisodeBatch.Share>> futures = new ArrayList<>(shares - 1);
        for (int w = 1; w < shares; w++) {
            int from = (int) ((long) w * n / shares);
            int to = (int) ((long) (w + 1) * n / shares);
            futures.add(pool.submit(() -> {
                try (ComputeSettings.Scope s = serial.apply()) {
                    return EpisodeBatch.run(policy, envs, from, to, seed, update);
                }
            }));
        }
        List<EpisodeBatch.Share> parts = new ArrayList<>(shares);
        Throwable failure = null;
        try (ComputeSettings.Scope s = serial.apply()) {
            parts.add(EpisodeBatch.run(policy, envs, 0, n / shares, seed, update));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        boolean interrupted = false;
        for (Future<EpisodeBatch.Share> f : futures) {
            // every share is waited for, so that no worker still steps an environment after this returns
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
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("Reinforce: a rollout worker failed: " + failure, failure);
        }
        return EpisodeBatch.of(policy, parts);
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
