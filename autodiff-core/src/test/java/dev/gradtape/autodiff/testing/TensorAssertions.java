package dev.gradtape.autodiff.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.function.Executable;

/**
 * JUnit assertions about tensors whose failure messages show shapes, the first differing element
 * and both tensors, shared with the other modules through autodiff-core's test-jar.
 */
public final class TensorAssertions {
    private TensorAssertions() {
    }

    /** Asserts equal shapes and bit-identical elements (0.0 and -0.0 differ, NaN equals NaN). */
    public static void assertBitIdentical(Tensor expected, Tensor actual) {
        assertShape(expected.shape(), actual);
        double[] e = expected.toArray();
        double[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (Double.doubleToRawLongBits(e[i]) != Double.doubleToRawLongBits(a[i])) {
                fail("element " + i + " differs: expected " + e[i] + " but was " + a[i]
                        + "\n  expected " + expected + "\n  actual   " + actual);
            }
        }
    }

    /** Asserts equal shapes and |actual - expected| <= atol + rtol |expected| elementwise. */
    public static void assertAllClose(Tensor expected, Tensor actual, double rtol, double atol) {
        assertShape(expected.shape(), actual);
        double[] e = expected.toArray();
        double[] a = actual.toArray();
        for (int i = 0; i < e.length; i++) {
            if (!(Math.abs(a[i] - e[i]) <= atol + rtol * Math.abs(e[i]))) {
                fail("element " + i + " differs: expected " + e[i] + " but was " + a[i]
                        + " (rtol " + rtol + ", atol " + atol + ")\n  expected " + expected
                        + "\n  actual   " + actual);
            }
        }
    }

    /** Asserts equal shapes and elements within 1e-12 absolute and relative. */
    public static void assertAllClose(Tensor expected, Tensor actual) {
        assertAllClose(expected, actual, 1e-12, 1e-12);
    }

    /** Asserts that {@code actual} has the given shape and the given elements within 1e-12. */
    public static void assertValues(Tensor actual, int[] shape, double... expected) {
        assertAllClose(Tensor.of(expected, shape), actual);
    }

    /** Asserts the shape of a tensor. */
    public static void assertShape(Shape expected, Tensor actual) {
        if (!expected.equals(actual.shape())) {
            fail("shape: expected " + expected + " but was " + actual.shape() + " for " + actual);
        }
    }

    /** Asserts the shape of a tensor, given as dimensions. */
    public static void assertShape(Tensor actual, int... dims) {
        assertShape(Shape.of(dims), actual);
    }

    /** Asserts that every element is exactly 0 (either sign) and the shape is {@code expected}. */
    public static void assertZeros(Shape expected, Tensor actual) {
        assertShape(expected, actual);
        double[] a = actual.toArray();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != 0.0) {
                fail("element " + i + " is " + a[i] + ", expected exact zero in " + actual);
            }
        }
    }

    /**
     * Asserts that {@code body} throws {@code type} and that its message contains every one of
     * {@code fragments}; returns the exception for further checks.
     */
    public static <T extends Throwable> T assertThrowsWithMessage(Class<T> type, Executable body,
            String... fragments) {
        T e = assertThrows(type, body);
        String message = String.valueOf(e.getMessage());
        for (String f : fragments) {
            if (!message.contains(f)) {
                fail("the " + type.getSimpleName() + " message should contain \"" + f
                        + "\" but was: " + message + " (all expected fragments: "
                        + Arrays.toString(fragments) + ")");
            }
        }
        return e;
    }
}
