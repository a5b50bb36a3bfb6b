import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.examples.bench.MlpWorkload;
import java.lang.management.ManagementFactory;

/** Workload B steps per CPU-second of the calling thread (threads=1): REPS repetitions of STEPS after WARMUP. */
public class BCpu {
    public static void main(String[] args) {
        int steps = Integer.parseInt(args[0]), warmup = Integer.parseInt(args[1]), reps = Integer.parseInt(args[2]);
        ComputeSettings.current().withThreads(1).apply(); // this thread's products, for the whole run
        var mx = ManagementFactory.getThreadMXBean();
        for (int r = 1; r <= reps; r++) {
            MlpWorkload w = new MlpWorkload(0);
            for (int i = 0; i < warmup; i++) w.step();
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < steps; i++) w.step();
            double dt = (mx.getCurrentThreadCpuTime() - t0) / 1e9;
            System.out.printf("RESULT peer=gradtape-cpu threads=1 rep=%d sps=%.1f%n", r, steps / dt);
        }
    }
}
