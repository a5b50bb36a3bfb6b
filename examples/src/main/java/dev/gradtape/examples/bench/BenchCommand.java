package dev.gradtape.examples.bench;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.examples.GradtapeCli;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradtape bench}: runs one workload and prints one {@code RESULT} line per repetition in
 * the peers' format, for example
 * {@code RESULT peer=gradtape workload=A threads=1 rep=1 episodes=10000 seconds=0.0123 ups=813008.1 ...},
 * so that the peers' {@code summarize.py} reads gradtape beside them. Every line says which
 * matrix-product path ran ({@code path=vector} when the JVM was started with
 * {@code --add-modules jdk.incubator.vector}, else {@code path=plain}).
 *
 * <p>Every count is checked before anything runs: a value out of its range is a usage error
 * (one line naming the option, the value and the range; exit code 2), never a run that prints
 * nothing, a negative rate or a count that wrapped around.
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

    /**
     * The largest matrix size: n^2 elements must fit a Java array, and 46,341^2 overflows an int.
     * The heap usually sets a lower limit, checked too (see {@link #largestSize}).
     */
    static final int MAX_SIZE = 46_340;
    /**
     * The largest graph of workload C's backward series: the series grows by factors of ten from
     * 1,000 nodes, and a graph of 10^7 nodes already takes gigabytes.
     */
    static final int MAX_NODES = 10_000_000;

    @Spec
    CommandSpec spec;

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

    @Option(names = "--engine", defaultValue = "compiled",
            description = "A and C's heap part: compiled (record the episode once, compile it with its"
                    + " backward pass, re-run it; 'replay' is accepted too) or eager (a new tape every"
                    + " episode) (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--seed", defaultValue = "0", description = "seed of every random draw (default: ${DEFAULT-VALUE})")
    long seed;

    PrintStream out = System.out;

    @Override
    public Integer call() {
        checkOptions();
        ComputeSettings settings = ComputeSettings.current().withVector(kernel.equals("auto"));
        if (threads != null) {
            settings = settings.withThreads(threads);
        }
        try (ComputeSettings.Scope s = settings.apply()) {
            switch (workload) {
                case A -> runA();
                case B -> runB();
                case C -> runC();
                case MM -> runMM();
                default -> throw new IllegalStateException("bench: unknown workload " + workload);
            }
        }
        return 0;
    }

    /**
     * Checks every option against its range before anything runs, so that a mistake is reported
     * as a usage error naming the option, the value given and the values allowed.
     */
    private void checkOptions() {
        if (threads != null) {
            atLeast("--threads", threads, 1);
        }
        if (reps != null) {
            atLeast("--reps", reps, 1);
        }
        if (episodes != null) {
            // workload A counts episodes in an int; C's heap part in a long
            inRange("--episodes", episodes, 1, workload == Workload.A ? Integer.MAX_VALUE : Long.MAX_VALUE, "");
        }
        atLeast("--steps", steps, 1);
        atLeast("--warmup", warmup, 0);
        inRange("--max-nodes", maxNodes, 1000, MAX_NODES, " (the series runs 1000, 10000, ... up to it)");
        atLeast("--heap-every", heapEvery, 1);
        long largest = largestSize(Runtime.getRuntime().maxMemory());
        inRange("--size", size, 1, largest, largest < MAX_SIZE ? String.format(Locale.ROOT,
                " (three n x n matrices of doubles must fit in this JVM's heap of %d MiB; -Xmx raises it)",
                Runtime.getRuntime().maxMemory() >> 20) : " (n^2 must fit a Java array)");
        oneOf("--kernel", kernel, List.of("auto", "plain"));
        if (engine.equals("replay")) {
            engine = "compiled"; // the name before the one-engine change, still accepted
        }
        oneOf("--engine", engine, List.of("compiled", "eager"));
        oneOf("--part", part, List.of("backward", "heap", "both"));
    }

    /**
     * The largest matrix size n whose three n x n double matrices (the two operands and a product)
     * fit in {@code maxHeapBytes}, and at most {@link #MAX_SIZE}.
     */
    static int largestSize(long maxHeapBytes) {
        long n = (long) Math.sqrt(maxHeapBytes / 24.0);
        while (n > 1 && 24 * n * n > maxHeapBytes) {
            n--;
        }
        return (int) Math.max(1, Math.min(MAX_SIZE, n));
    }

    private void atLeast(String option, long value, long min) {
        if (value < min) {
            throw usage(option, "must be at least " + min + ", got " + value);
        }
    }

    private void inRange(String option, long value, long min, long max, String why) {
        if (value < min || value > max) {
            throw usage(option, "must be from " + min + " to " + max + why + ", got " + value);
        }
    }

    private void oneOf(String option, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw usage(option, "must be one of " + String.join(", ", allowed) + ", got " + value);
        }
    }

    /** A usage error of this command, reported by the launcher as one line and the usage. */
    private CommandLine.ParameterException usage(String option, String problem) {
        return new CommandLine.ParameterException(spec.commandLine(),
                "invalid value for option '" + option + "': " + problem);
    }

    private String tail() {
        return " path=" + ComputeSettings.current().matmulPath() + " java=" + System.getProperty("java.version");
    }

    private void print(String format, Object... args) {
        out.println(String.format(Locale.ROOT, format, args));
        out.flush();
    }

    private SeedWorkload.Engine engine() {
        return engine.equals("eager") ? SeedWorkload.Engine.EAGER : SeedWorkload.Engine.COMPILED;
    }

    private void runA() {
        SeedWorkload.Engine e = engine();
        int n = episodes == null ? 10_000 : Math.toIntExact(episodes); // checked: at most Integer.MAX_VALUE
        for (int rep = 1; rep <= (reps == null ? 5 : reps); rep++) {
            SeedWorkload.Run r = SeedWorkload.run(n, seed, e);
            print("RESULT peer=gradtape workload=A threads=%d rep=%d episodes=%d seconds=%.5f ups=%.1f"
                    + " mu=%.4f sigma=%.4f reward_last1000=%.4f engine=%s%s", ComputeSettings.current().threads(), rep,
                    n, r.seconds(), r.ups(), r.mu(), r.sigma(), r.rewardTail(), engine, tail());
        }
    }

    private void runB() {
        for (int rep = 1; rep <= (reps == null ? 3 : reps); rep++) {
            MlpWorkload.Run r = MlpWorkload.run(steps, warmup, seed);
            print("RESULT peer=gradtape workload=B threads=%d dtype=float64 rep=%d steps=%d seconds=%.4f"
                    + " sps=%.1f gflops=%.2f loss=%.4g%s", ComputeSettings.current().threads(), rep, steps, r.seconds(),
                    r.sps(), r.gflops(), r.loss(), tail());
        }
    }

    private void runC() {
        boolean backward = part.equals("backward") || part.equals("both");
        boolean heap = part.equals("heap") || part.equals("both");
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
                            ComputeSettings.current().threads(), rep, g.nodes(), g.forwardSeconds(), g.backwardSeconds(),
                            g.nsPerNode(), g.nsPerNode() / first, tail());
                }
            }
            if (heap) {
                long n = episodes == null ? 1_000_000 : episodes;
                int r = rep;
                GrowthWorkload.heap(n, heapEvery, seed, engine(), s -> print("RESULT peer=gradtape workload=C"
                        + " part=heap threads=%d rep=%d episodes=%d used_mib=%.2f max_mib=%.1f engine=%s%s",
                        ComputeSettings.current().threads(), r, s.episodes(), s.usedMiB(), s.maxMiB(), engine, tail()));
            }
        }
    }

    private void runMM() {
        for (int rep = 1; rep <= (reps == null ? 1 : reps); rep++) {
            double g = MatmulWorkload.gflops(size, 1.5, seed);
            print("RESULT peer=gradtape workload=MM variant=%s dtype=float64 threads=%d rep=%d n=%d gflops=%.2f%s",
                    ComputeSettings.current().matmulPath(), ComputeSettings.current().threads(), rep, size, g, tail());
        }
    }

    /**
     * Runs the command without typing {@code gradtape bench}: the same as the launcher's
     * {@code bench} command, with its error messages and exit codes.
     */
    public static void main(String[] args) {
        String[] withCommand = new String[args.length + 1];
        withCommand[0] = "bench";
        System.arraycopy(args, 0, withCommand, 1, args.length);
        GradtapeCli.main(withCommand);
    }
}
