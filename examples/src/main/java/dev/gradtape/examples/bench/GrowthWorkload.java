package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Tensor;
import java.util.function.Consumer;

/**
 * Workload C, growth: (1) the time of one backward pass per recorded node as the graph grows
 * from 1e3 to 1e6 nodes, which must stay flat for a tape whose backward is linear in its length;
 * (2) the heap in use, after a full collection, at intervals over a long run of article
 * episodes, which must not grow (the peers' claim is a million episodes in {@code -Xmx64m}).
 */
public final class GrowthWorkload {
    private GrowthWorkload() {
    }

    /** One graph size: nodes recorded, seconds to build it, seconds for one backward pass. */
    public record Growth(int nodes, double forwardSeconds, double backwardSeconds) {
        /** Nanoseconds of backward per node. */
        public double nsPerNode() {
            return backwardSeconds * 1e9 / nodes;
        }
    }

    /**
     * Records a chain of {@code nodes} scalar operations, y <- y w, then y <- y + x, alternately,
     * and times the gradient of y with respect to x. Every node is the same small amount of work,
     * so the time per node isolates the tape's own overhead.
     */
    public static Growth backward(int nodes) {
        if (nodes < 2) {
            throw new IllegalArgumentException("GrowthWorkload.backward: " + nodes + " nodes; need at least 2");
        }
        Tensor x = Tensor.scalar(0.5);
        Tensor w = Tensor.scalar(0.999);
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            long t0 = System.nanoTime();
            Tensor y = x;
            for (int i = 0; i < nodes / 2; i++) {
                y = y.mul(w).add(x);
            }
            long t1 = System.nanoTime();
            Tensor g = tape.gradient(y, x);
            long t2 = System.nanoTime();
            if (!Double.isFinite(g.item())) {
                throw new IllegalStateException("GrowthWorkload: non-finite gradient " + g.item());
            }
            return new Growth(nodes / 2 * 2, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        }
    }

    /**
     * The fastest of several {@link #backward} runs at one size, after a warm-up at 1e5 nodes so
     * that the JIT compiler has finished with the tape: small graphs are repeated until about
     * 1e6 nodes have been timed, so every size gets comparable attention. The minimum is the
     * figure least disturbed by other processes and collections.
     */
    public static Growth fastestBackward(int nodes) {
        for (int i = 0; i < 3; i++) {
            backward(Math.min(nodes, 100_000));
        }
        int repeats = Math.max(3, 1_000_000 / nodes);
        Growth best = null;
        for (int i = 0; i < repeats; i++) {
            Growth g = backward(nodes);
            if (best == null || g.backwardSeconds() < best.backwardSeconds()) {
                best = g;
            }
        }
        return best;
    }

    /** The heap in use after a collection at one point of a long run. */
    public record HeapSample(long episodes, long usedBytes, long maxBytes) {
        /** Used heap in MiB. */
        public double usedMiB() {
            return usedBytes / 1048576.0;
        }

        /** Maximum heap in MiB. */
        public double maxMiB() {
            return maxBytes / 1048576.0;
        }
    }

    /**
     * Runs {@code episodes} article episodes (workload A) from {@code seed} and reports the heap in
     * use after a full collection every {@code every} episodes (and at 0).
     */
    public static void heap(long episodes, long every, long seed, Consumer<HeapSample> out) {
        heap(episodes, every, seed, SeedWorkload.Engine.EAGER, out);
    }

    /** As {@link #heap(long, long, long, Consumer)}, with the episodes run on {@code engine}. */
    public static void heap(long episodes, long every, long seed, SeedWorkload.Engine engine,
            Consumer<HeapSample> out) {
        if (every < 1) {
            throw new IllegalArgumentException("GrowthWorkload.heap: sample interval " + every + "; need >= 1");
        }
        SeedWorkload w = new SeedWorkload(seed, engine);
        out.accept(sample(0));
        for (long ep = 1; ep <= episodes; ep++) {
            w.episode();
            if (ep % every == 0 || ep == episodes) {
                out.accept(sample(ep));
            }
        }
    }

    private static HeapSample sample(long episodes) {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return new HeapSample(episodes, rt.totalMemory() - rt.freeMemory(), rt.maxMemory());
    }
}
