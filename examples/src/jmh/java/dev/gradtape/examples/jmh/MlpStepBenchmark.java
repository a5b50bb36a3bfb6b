package dev.gradtape.examples.jmh;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.examples.bench.MlpWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload B under JMH: one forward, backward and Adam step of the 64-256-256-8 MLP on a batch of
 * 256, in double precision, on 1 or 2 threads. The score is milliseconds per step; GFLOP/s are
 * 128.97 / score. Add {@code --jvmArgsAppend --add-modules=jdk.incubator.vector} (JMH's option
 * {@code -jvmArgsAppend}) for the Vector API path.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am package -DskipTests -Pjmh
 * java -cp examples/target/gradtape.jar org.openjdk.jmh.Main MlpStep \
 *     -jvmArgsAppend --add-modules=jdk.incubator.vector
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(2)
public class MlpStepBenchmark {
    @Param({"1", "2"})
    public int threads;

    private MlpWorkload workload;
    private ComputeSettings settings;

    /** The thread count for matrix products, and a fresh model for each trial. */
    @Setup(Level.Trial)
    public void setUp() {
        settings = ComputeSettings.current().withThreads(threads);
        workload = new MlpWorkload(0);
    }

    /**
     * One training step, with this trial's thread count (applied on the thread that runs it);
     * returns the loss so that nothing is optimised away.
     */
    @Benchmark
    public double step() {
        try (ComputeSettings.Scope s = settings.apply()) {
            return workload.step();
        }
    }
}
