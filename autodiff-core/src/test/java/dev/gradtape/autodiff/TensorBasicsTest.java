package dev.gradtape.autodiff;

import static dev.gradtape.testing.TensorAssertions.assertShape;
import static dev.gradtape.testing.TensorAssertions.assertValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Creating and reading tensors and shapes, and how they print. */
class TensorBasicsTest {
    @Test
    void to_string_shows_nested_values_and_the_shape() {
        assertEquals("tensor(2.5, shape=())", Tensor.scalar(2.5).toString());
        assertEquals("tensor([1.0, -2.0], shape=(2,))", Tensor.vector(1, -2).toString());
        assertEquals("tensor([[1.0, 2.0], [3.0, 4.0]], shape=(2, 2))",
                Tensor.matrix(new double[][] {{1, 2}, {3, 4}}).toString());
        assertEquals("tensor([[[0.0], [1.0]]], shape=(1, 2, 1))", Tensor.arange(2).reshape(1, 2, 1).toString());
    }

    @Test
    void to_string_formats_fractions_extremes_and_elides_long_axes() {
        assertEquals("tensor(0.3, shape=())", Tensor.scalar(0.1 + 0.2).toString());
        assertEquals("tensor([1.000000e-07, 1.234568e+07, NaN, Infinity, -0.0], shape=(5,))",
                Tensor.vector(1e-7, 12345678.9, Double.NaN, Double.POSITIVE_INFINITY, -0.0).toString());
        assertEquals("tensor([0.0, 1.0, 2.0, ..., 17.0, 18.0, 19.0], shape=(20,))", Tensor.arange(20).toString());
        assertEquals("tensor([], shape=(0,))", Tensor.zeros(0).toString());
    }

    @Test
    void item_reads_a_single_element() {
        assertEquals(7, Tensor.scalar(7).item());
        assertEquals(7, Tensor.full(7, 1, 1, 1).item());
    }

    @Test
    void get_reads_by_coordinates_in_row_major_order() {
        Tensor t = Tensor.arange(24).reshape(2, 3, 4);
        assertEquals(0, t.get(0, 0, 0));
        assertEquals(1 * 12 + 2 * 4 + 3, t.get(1, 2, 3));
        assertEquals(5, Tensor.scalar(5).get());
    }

    @Test
    void reshape_infers_one_dimension() {
        Tensor t = Tensor.arange(12);
        assertShape(t.reshape(3, -1), 3, 4);
        assertShape(t.reshape(-1, 2, 2), 3, 2, 2);
        assertShape(t.reshape(-1), 12);
        assertShape(Tensor.scalar(1).reshape(-1), 1);
        assertShape(Tensor.arange(1).reshape(), new int[0]);
        assertShape(Tensor.zeros(0, 3).reshape(-1, 3), 0, 3);
        assertSame(t, t.reshape(12), "reshaping to the same shape returns the tensor itself");
    }

    @Test
    void factories_fill_as_documented() {
        assertValues(Tensor.zeros(2), new int[] {2}, 0, 0);
        assertValues(Tensor.ones(Shape.of(2, 1)), new int[] {2, 1}, 1, 1);
        assertValues(Tensor.full(3.5, 3), new int[] {3}, 3.5, 3.5, 3.5);
        assertValues(Tensor.full(-1, Shape.SCALAR), new int[] {}, -1);
        assertValues(Tensor.arange(4), new int[] {4}, 0, 1, 2, 3);
        assertValues(Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2), new int[] {3, 2}, 1, 2, 3, 4, 5, 6);
        assertShape(Tensor.matrix(new double[0][]), 0, 0);
    }

    @Test
    void tensors_are_immutable_copies() {
        double[] data = {1, 2};
        Tensor t = Tensor.of(data, 2);
        data[0] = 99;
        assertEquals(1, t.get(0), "Tensor.of copies its input");
        double[] out = t.toArray();
        out[1] = 99;
        assertEquals(2, t.get(1), "toArray returns a copy");
    }

    @Test
    void shape_rank_and_size() {
        Tensor t = Tensor.zeros(2, 3, 4);
        assertEquals(Shape.of(2, 3, 4), t.shape());
        assertEquals(3, t.rank());
        assertEquals(24, t.size());
        assertEquals(0, Tensor.scalar(1).rank());
        assertEquals(1, Tensor.scalar(1).size());
        assertEquals(0, Tensor.zeros(3, 0).size());
    }

    @Test
    void tensors_compare_by_identity_and_value_equals_compares_contents() {
        Tensor a = Tensor.vector(1, 2);
        Tensor b = Tensor.vector(1, 2);
        assertNotEquals(a, b);
        assertTrue(a.valueEquals(b));
        assertFalse(a.valueEquals(Tensor.of(new double[] {1, 2}, 2, 1)), "shape matters");
        assertFalse(Tensor.scalar(0.0).valueEquals(Tensor.scalar(-0.0)), "bit-level comparison");
        assertTrue(a.allClose(Tensor.vector(1 + 1e-9, 2), 0, 1e-8));
        assertFalse(a.allClose(Tensor.vector(1.1, 2), 1e-3, 1e-3));
        assertFalse(a.allClose(Tensor.vector(1), 1, 1), "shape matters");
    }

    @Test
    void shapes_print_like_numpy_and_broadcast_by_its_rule() {
        assertEquals("()", Shape.SCALAR.toString());
        assertEquals("(3,)", Shape.of(3).toString());
        assertEquals("(2, 3)", Shape.of(2, 3).toString());
        assertEquals(Shape.of(4, 2, 3), Shape.broadcast("t", Shape.of(4, 1, 3), Shape.of(2, 1)));
        assertEquals(Shape.of(2, 2), Shape.broadcast("t", Shape.of(1, 2), Shape.of(2, 1)));
        assertEquals(Shape.of(5), Shape.broadcast("t", Shape.SCALAR, Shape.of(5)));
        assertTrue(Shape.of(3).broadcastsTo(Shape.of(2, 3)));
        assertFalse(Shape.of(2, 3).broadcastsTo(Shape.of(3)));
        assertEquals(1, Shape.of(4, 2).axis("t", -1));
        assertEquals(4, Shape.of(4, 2).dim(-2));
        assertTrue(Shape.SCALAR.isScalar());
        assertArrayEquals(new int[] {4, 2}, Shape.of(4, 2).dims());
        assertEquals(Shape.of(4, 2).hashCode(), Shape.of(4, 2).hashCode());
    }

    @Test
    void ops_on_tensors_with_an_empty_axis_give_empty_results() {
        // regression: slice and max divided by the size of the axes after the one they work on
        assertShape(Tensor.zeros(3, 0).slice(0, 0, 2), 2, 0);
        assertShape(Tensor.zeros(3, 0).max(0, false), 0);
        assertShape(Tensor.zeros(2, 0).logSumExp(0, true), 1, 0);
        assertShape(Tensor.zeros(3, 0).sum(0, false), 0);
        assertShape(Tensor.zeros(3, 0).pad(0, 1, 1), 5, 0);
        assertValues(Tensor.zeros(3, 0).matmul(Tensor.zeros(0, 2)), new int[] {3, 2}, 0, 0, 0, 0, 0, 0);
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.zeros(3, 0));
            assertShape(tape.gradient(x.slice(0, 1, 3).sum(), x), 3, 0);
        }
    }
}
