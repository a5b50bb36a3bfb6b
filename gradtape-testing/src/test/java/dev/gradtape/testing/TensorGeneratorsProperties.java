package dev.gradtape.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generators produce what the gradient properties rely on: ranges, broadcasting mix, margins. */
class TensorGeneratorsProperties {
    private static final long SEED = 0x6e6e;

    @Test
    void shapes_have_rank_0_to_3_and_dims_1_to_4_and_every_rank_occurs() {
        boolean[] rankSeen = new boolean[TensorGenerators.MAX_RANK + 1];
        qt().withExamples(300).withFixedSeed(SEED).forAll(TensorGenerators.shapes()).checkAssert(s -> {
            assertTrue(s.rank() <= TensorGenerators.MAX_RANK, s::toString);
            for (int d : s.dims()) {
                assertTrue(d >= 1 && d <= TensorGenerators.MAX_DIM, s::toString);
            }
            rankSeen[s.rank()] = true;
        });
        for (int r = 0; r < rankSeen.length; r++) {
            assertTrue(rankSeen[r], "no shape of rank " + r + " was generated");
        }
    }

    @Test
    void at_least_a_quarter_of_pairs_broadcast_including_scalar_and_row_column_cases() {
        List<ShapePair> pairs = new ArrayList<>();
        qt().withExamples(400).withFixedSeed(SEED).forAll(TensorGenerators.broadcastablePairs())
                .checkAssert(p -> {
                    p.result(); // throws if the shapes do not broadcast
                    pairs.add(p);
                });
        long broadcasting = pairs.stream().filter(ShapePair::broadcasts).count();
        assertTrue(broadcasting >= pairs.size() / 4, broadcasting + " of " + pairs.size() + " broadcast");
        assertTrue(pairs.stream().anyMatch(p -> p.left().isScalar() && p.right().rank() >= 1),
                "no scalar-with-tensor pair");
        assertTrue(pairs.stream().anyMatch(p -> p.right().isScalar() && p.left().rank() >= 1),
                "no tensor-with-scalar pair");
        for (int n = 2; n <= TensorGenerators.MAX_DIM; n++) {
            ShapePair rowColumn = new ShapePair(Shape.of(1, n), Shape.of(n, 1));
            assertTrue(pairs.contains(rowColumn) || pairs.contains(rowColumn.swapped()),
                    "no " + rowColumn + " pair");
        }
        assertTrue(pairs.stream().anyMatch(p -> p.left().rank() != p.right().rank()
                && !p.left().isScalar() && !p.right().isScalar()), "no pair of different ranks >= 1");
    }

    @Test
    void values_stay_in_the_domain_and_away_from_kinks() {
        Domain d = Domain.between(-1, 1).withKinks(0.0, 0.5);
        qt().withExamples(200).withFixedSeed(SEED).forAll(TensorGenerators.tensors(d)).checkAssert(t -> {
            for (double v : t.toArray()) {
                assertTrue(v >= -1 - 1e-3 && v <= 1 + 1e-3 && Math.abs(v) >= 1e-3
                        && Math.abs(v - 0.5) >= 1e-3, () -> v + " in " + t);
            }
        });
    }

    @Test
    void nudge_moves_a_value_to_the_edge_of_the_kink_neighbourhood_on_its_side() {
        Domain d = Domain.between(-1, 1).withKinks(0.0);
        assertEquals(1e-3, d.nudge(1e-5), 0);
        assertEquals(-1e-3, d.nudge(-1e-5), 0);
        assertEquals(1e-3, d.nudge(0.0), 0);
        assertEquals(0.25, d.nudge(0.25), 0);
    }

    @Test
    void separated_pairs_keep_every_broadcast_element_pair_apart() {
        qt().withExamples(100).withFixedSeed(SEED).forAll(TensorGenerators.separatedPairs())
                .checkAssert(p -> assertTrue(TensorGenerators.minimumGap(p) >= 0.01 * (1 - 1e-9), p::toString));
    }

    @Test
    void distinct_tensors_have_pairwise_separated_elements() {
        qt().withExamples(100).withFixedSeed(SEED)
                .forAll(TensorGenerators.distinctTensors(TensorGenerators.shapes(), -2, 2))
                .checkAssert((Tensor t) -> {
                    double[] v = t.toArray();
                    java.util.Arrays.sort(v);
                    for (int i = 1; i < v.length; i++) {
                        assertTrue(v[i] - v[i - 1] >= 1e-3, t::toString);
                    }
                    assertTrue(v[0] >= -2 && v[v.length - 1] <= 2, t::toString);
                });
    }
}
