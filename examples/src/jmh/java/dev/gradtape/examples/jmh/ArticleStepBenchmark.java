package dev.gradtape.examples.jmh;

import dev.gradtape.examples.bench.SeedWorkload;
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
 * Workload A under JMH: each measured iteration is one fresh run of 10,000 article episodes
 * (a new actor and optimiser, as the bench command's repetitions and the peers' runs), on the
 * compiled step or the eager tape. JMH adds what the bench command does not: several forks, warm-up
 * iterations kept apart, and an error bar. The score is milliseconds per 10,000 episodes; updates
 * per second are 1e7 / score.
 *
 * <pre>
 * ./mvnw -q -B -pl examples -am package -DskipTests -Pjmh
 * java -cp examples/target/gradtape.jar org.openjdk.jmh.Main ArticleStep
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 15, batchSize = ArticleStepBenchmark.EPISODES)
@Measurement(iterations = 20, batchSize = ArticleStepBenchmark.EPISODES)
@Fork(3)
public class ArticleStepBenchmark {
    /** Episodes per measured run, as in the workload's definition. */
    static final int EPISODES = 10_000;

    @Param({"COMPILED", "EAGER"})
    public String engine;

    private SeedWorkload workload;

    /** A fresh actor and optimiser for every run of 10,000 episodes. */
    @Setup(Level.Iteration)
    public void freshWorkload() {
        workload = new SeedWorkload(0, SeedWorkload.Engine.valueOf(engine));
    }

    /** One episode: forward, sample, loss, backward, Adam step; JMH calls it EPISODES times per run. */
    @Benchmark
    public double episode() {
        return workload.episode();
    }
}
