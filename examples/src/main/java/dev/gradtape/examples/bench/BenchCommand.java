package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.ComputeConfig;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradtape bench}: runs one workload and prints one {@code RESULT} line per repetition in
 * the peers' format, for example
 * {@code RESULT peer=gradtape workload=A threads=1 rep=1 episodes=10000 seconds=0.0123 ups=813008.1 ...},
 * so that the peers' {@code summarize.py} reads gradtape beside them. Every line says which
 * matrix-product path ran ({@code path=vector} when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else {@code path=plain}).
 *
 * <p>Runs without the command line too: {@code java -cp gradtape.jar
 * dev.gradtape.examples.bench.BenchCommand --workload B --threads 2}.
 */
@Command(name = "bench",
        description = "Runs a benchmark workload and prints RESULT lines in the peers' format:"
                + " A = the article's REINFORCE step (updates/s), B = MLP 64-256-256-8 batch 256"
                + " (steps/s, GFLOP/s), C = backward cost per node and heap over a long run,"
                + " MM = the bare 256^3 matrix product (GFLOP/s).")
public final class BenchCommand implements Callable<Integer> {
    /** The workloads. */
    public enum Workload {
        /** The article's REINFORCE step. */
        A,
        /** The dense MLP. */
        B,
        /** Growth: backward per node, heap over a long run. */
        C,
        /** The bare matrix product. */
        MM
    }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help and exit")
    boolean help;

    @Option(names = "--workload", required = true, description = "A, B, C or MM")
    Workload workload;

    @Option(names = "--threads", description = "threads for large matrix products (default: the"
            + " system property gradtape.threads, else the number of processors)")
    Integer threads;

    @Option(names = "--reps", description = "repetitions (default: A 5, B 3, C 1, MM 1)")
    Integer reps;

    @Option(names = "--episodes", description = "episodes per repetition (default: A 10000, C 1000000)")
    Long episodes;

    @Option(names = "--steps", defaultValue = "300", description = "B: timed steps per repetition (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "20", description = "B: untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--max-nodes", defaultValue = "1000000",
            description = "C: the largest graph of the backward-per-node series (default: ${DEFAULT-VALUE})")
    int maxNodes;

    @Option(names = "--part", defaultValue = "both",
            description = "C: backward (time per node), heap (heap over a long run) or both (default: ${DEFAULT-VALUE});"
                    + " a graph of 1e6 nodes needs more than 64 MiB, so run the heap part alone under -Xmx64m")
    String part;

    @Option(names = "--heap-every", defaultValue = "100000",
            description = "C: episodes between heap samples (default: ${DEFAULT-VALUE})")
    long heapEvery;

    @Option(names = "--size", defaultValue = "256", description = "MM: the matrix size n (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--kernel", defaultValue = "auto",
            description = "auto (vector when the JVM has jdk.incubator.vector) or plain (default: ${DEFAULT-VALUE})")
    String kernel;

    @Option(names = "--engine", defaultValue = "replay",
            description = "A and C's heap part: replay (record the episode once, then replay it) or"
                    + " eager (a new tape every episode) (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--seed", defaultValue = "0", description = "seed of every random draw (default: ${DEFAULT-VALUE})")
    long seed;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        if (threads != null) {
            if (threads < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "bench: --threads " + threads + " is not a thread count; give 1 or more");
            }
            ComputeConfig.setThreads(threads);
        }
        switch (kernel) {
            case "auto" -> ComputeConfig.setVectorEnabled(true);
            case "plain" -> ComputeConfig.setVectorEnabled(false);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "bench: --kernel " + kernel + " is not a kernel; use auto or plain");
        }
        switch (workload) {
            case A -> runA();
            case B -> runB();
            case C -> runC();
            case MM -> runMM();
            default -> throw new IllegalStateException("bench: unknown workload " + workload);
        }
        return 0;
    }

    private String tail() {
        return " path=" + ComputeConfig.matmulPath() + " java=" + System.getProperty("java.version");
    }

    private void print(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private SeedWorkload.Engine engine() {
        return switch (engine) {
            case "replay" -> SeedWorkload.Engine.REPLAY;
            case "eager" -> SeedWorkload.Engine.EAGER;
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "bench: --engine " + engine + " is not an engine; use replay or eager");
        };
    }

    private void runA() {
        SeedWorkload.Engine e = engine();
        int n = (int) (episodes == null ? 10_000 : episodes);
        for (int rep = 1; rep <= (reps == null ? 5 : reps); rep++) {
            SeedWorkload.Run r = SeedWorkload.run(n, seed, e);
            print("RESULT peer=gradtape workload=A threads=%d rep=%d episodes=%d seconds=%.5f ups=%.1f"
                    + " mu=%.4f sigma=%.4f reward_last1000=%.4f engine=%s%s", ComputeConfig.threads(), rep,
                    n, r.seconds(), r.ups(), r.mu(), r.sigma(), r.rewardTail(), engine, tail());
        }
    }

    private void runB() {
        for (int rep = 1; rep <= (reps == null ? 3 : reps); rep++) {
            MlpWorkload.Run r = MlpWorkload.run(steps, warmup, seed);
            print("RESULT peer=gradtape workload=B threads=%d dtype=float64 rep=%d steps=%d seconds=%.4f"
                    + " sps=%.1f gflops=%.2f loss=%.4g%s", ComputeConfig.threads(), rep, steps, r.seconds(),
                    r.sps(), r.gflops(), r.loss(), tail());
        }
    }

    private void runC() {
        boolean backward = part.equals("backward") || part.equals("both");
        boolean heap = part.equals("heap") || part.equals("both");
        if (!backward && !heap) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "bench: --part " + part + " is not a part of workload C; use backward, heap or both");
        }
        for (int rep = 1; rep <= (reps == null ? 1 : reps); rep++) {
            if (backward) {
                double first = Double.NaN;
                for (int nodes = 1000; nodes <= maxNodes; nodes *= 10) {
                    GrowthWorkload.Growth g = GrowthWorkload.fastestBackward(nodes);
                    if (Double.isNaN(first)) {
                        first = g.nsPerNode();
                    }
                    print("RESULT peer=gradtape workload=C part=backward threads=%d rep=%d nodes=%d"
                            + " forward_seconds=%.5f backward_seconds=%.5f ns_per_node=%.1f ratio_to_first=%.2f%s",
                            ComputeConfig.threads(), rep, g.nodes(), g.forwardSeconds(), g.backwardSeconds(),
                            g.nsPerNode(), g.nsPerNode() / first, tail());
                }
            }
            if (heap) {
                long n = episodes == null ? 1_000_000 : episodes;
                int r = rep;
                GrowthWorkload.heap(n, heapEvery, seed, engine(), s -> print("RESULT peer=gradtape workload=C"
                        + " part=heap threads=%d rep=%d episodes=%d used_mib=%.2f max_mib=%.1f engine=%s%s",
                        ComputeConfig.threads(), r, s.episodes(), s.usedMiB(), s.maxMiB(), engine, tail()));
            }
        }
    }

    private void runMM() {
        for (int rep = 1; rep <= (reps == null ? 1 : reps); rep++) {
            double g = MatmulWorkload.gflops(size, 1.5, seed);
            print("RESULT peer=gradtape workload=MM variant=%s dtype=float64 threads=%d rep=%d n=%d gflops=%.2f%s",
                    ComputeConfig.matmulPath(), ComputeConfig.threads(), rep, size, g, tail());
        }
    }

    /** Runs the command without the gradtape command line. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }
}
