package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run of a compiled step (start, set the inputs, run, copy the gradients into preallocated
 * arrays) allocates nothing once the JIT has compiled it, measured with
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, the counter of the
 * bytes this thread allocated.
 */
class CompiledStepAllocationTest {
    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * The bytes allocated by windows of 1,000 runs of a compiled step of a tanh MLP (in, hidden...,
     * 1) on a batch, after warm-up; each run is start, set both inputs, run, and copy every gradient
     * into a preallocated array. Stops at the first window of 0 bytes (at most 5 windows).
     */
    private static List<Long> allocationWindows(int batch, int... widths) {
        List<Variable> params = new ArrayList<>();
        for (int l = 0; l + 1 < widths.length; l++) {
            params.add(new Variable(Tensor.uniform(l + 1L, -1, 1, widths[l], widths[l + 1])));
            params.add(new Variable(Tensor.zeros(widths[l + 1])));
        }
        Tensor x = Tensor.uniform(3L, -1, 1, batch, widths[0]);
        Tensor y = Tensor.uniform(4L, -1, 1, batch, widths[widths.length - 1]);
        CompiledStep step;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(y);
            Tensor h = x;
            for (int l = 0; l < params.size(); l += 2) {
                h = h.matmul(params.get(l).value()).add(params.get(l + 1).value());
                h = l + 2 < params.size() ? h.tanh() : h;
            }
            step = tape.compile(h.sub(y).square().mean(), params, List.of(x, y));
        }
        Tensor newX = Tensor.uniform(5L, -1, 1, batch, widths[0]);
        Tensor newY = Tensor.uniform(6L, -1, 1, batch, widths[widths.length - 1]);
        double[][] grads = new double[params.size()][];
        for (int i = 0; i < grads.length; i++) grads[i] = new double[params.get(i).size()];
        List<TensorView> views = step.gradients();
        Runnable oneRun = () -> {
            step.start();
            step.set(x, newX);
            step.set(y, newY);
            step.run();
            for (int i = 0; i < grads.length; i++) views.get(i).copyTo(grads[i]);
        };
        for (int i = 0; i < 20_000; i++) oneRun.run(); // warm-up: the JIT compiles the loops
        long overhead = allocatedBytes();
        overhead = allocatedBytes() - overhead; // what reading the counter itself costs
        // Windows of 1,000 runs: a run that allocates shows in every window (1,000 bytes at least);
        // a one-off shows in one window only (seen once: 1,048 bytes in the first window, with the
        // property suite run before in the same JVM; it did not recur, and 0 followed).
        List<Long> windows = new ArrayList<>();
        for (int w = 0; w < 5 && (windows.isEmpty() || windows.get(windows.size() - 1) != 0); w++) {
            long before = allocatedBytes();
            for (int i = 0; i < 1_000; i++) oneRun.run();
            windows.add(allocatedBytes() - before - overhead);
        }
        return windows;
    }

    @Test
    void a_run_of_a_compiled_mlp_step_allocates_nothing_after_warm_up() {
        // 16 x 4 -> 8 -> 1: every B has at most MatMulKernel.SMALL_B (64) elements
        List<Long> windows = allocationWindows(16, 4, 8, 1);
        assertEquals(0L, windows.get(windows.size() - 1), "bytes allocated per window of 1,000 runs: " + windows);
    }

    @Test
    void a_run_of_a_compiled_two_hidden_layer_mlp_step_allocates_nothing_after_warm_up() {
        List<Long> windows = allocationWindows(32, 16, 32, 32, 1);
        assertEquals(0L, windows.get(windows.size() - 1), "bytes allocated per window of 1,000 runs: " + windows);
    }
}
