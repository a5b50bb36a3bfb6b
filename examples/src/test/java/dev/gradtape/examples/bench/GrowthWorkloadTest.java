package dev.gradtape.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Workload C records the graph it claims and samples the heap where it claims. */
class GrowthWorkloadTest {
    @Test
    void backward_records_the_requested_number_of_nodes() {
        GrowthWorkload.Growth g = GrowthWorkload.backward(1000);
        assertEquals(1000, g.nodes());
        assertTrue(g.backwardSeconds() > 0 && g.nsPerNode() > 0);
        assertThrows(IllegalArgumentException.class, () -> GrowthWorkload.backward(1));
    }

    @Test
    void heap_is_sampled_at_the_start_every_interval_and_at_the_end() {
        List<GrowthWorkload.HeapSample> samples = new ArrayList<>();
        GrowthWorkload.heap(250, 100, 0, samples::add);
        assertEquals(List.of(0L, 100L, 200L, 250L), samples.stream().map(GrowthWorkload.HeapSample::episodes).toList());
        for (GrowthWorkload.HeapSample s : samples) {
            assertTrue(s.usedBytes() > 0 && s.usedBytes() <= s.maxBytes(), s.toString());
        }
    }
}
