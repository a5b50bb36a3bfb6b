package dev.gradtape.testing;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.Arrays;

/**
 * Assertions about tensors whose failure messages show shapes, the first differing element and
 * both tensors. A failure is a plain {@link AssertionError}, which JUnit, TestNG and a bare
 * {@code assert} all report, so this module needs no test framework.
 */
public final class TensorAssertions {
    private TensorAssertions() {
    }

    /**
     * Code that is expected to throw, for {@link #assertThrowsWithMessage}; JUnit's
     * {@code Executable} converts with a method reference ({@code body::execute}).
     */
    @FunctionalInterface
    public interface ThrowingRunnable {
        /**
         * Runs the code under test.
         *
         * @throws Throwable whatever the code throws
         */
        void run() throws Throwable;
    }

    /**
     * Asserts equal shapes and bit-identical elements (0.0 and -0.0 differ, NaN equals NaN).
     *
     * @param expected the expected tensor
     * @param actual the tensor under test
     */
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

    /**
     * Asserts equal shapes and {@code |actual - expected| <= atol + rtol |expected|} elementwise.
     *
     * @param expected the expected tensor
     * @param actual the tensor under test
     * @param rtol the relative tolerance
     * @param atol the absolute tolerance
     */
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

    /**
     * Asserts equal shapes and elements within 1e-12 absolute and relative.
     *
     * @param expected the expected tensor
     * @param actual the tensor under test
     */
    public static void assertAllClose(Tensor expected, Tensor actual) {
        assertAllClose(expected, actual, 1e-12, 1e-12);
    }

    /**
     * Asserts that {@code actual} has the given shape and the given elements within 1e-12.
     *
     * @param actual the tensor under test
     * @param shape the expected dimensions
     * @param expected the expected elements, row-major
     */
    public static void assertValues(Tensor actual, int[] shape, double... expected) {
        assertAllClose(Tensor.of(expected, shape), actual);
    }

    /**
     * Asserts the shape of a tensor.
     *
     * @param expected the expected shape
     * @param actual the tensor under test
     */
    public static void assertShape(Shape expected, Tensor actual) {
        if (!expected.equals(actual.shape())) {
            fail("shape: expected " + expected + " but was " + actual.shape() + " for " + actual);
        }
    }

    /**
     * Asserts the shape of a tensor, given as dimensions.
     *
     * @param actual the tensor under test
     * @param dims the expected dimensions
     */
    public static void assertShape(Tensor actual, int... dims) {
        assertShape(Shape.of(dims), actual);
    }

    /**
     * Asserts that every element is exactly 0 (either sign) and the shape is {@code expected}.
     *
     * @param expected the expected shape
     * @param actual the tensor under test
     */
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
     *
     * @param <T> the type of the expected exception
     * @param type the class of the expected exception (a subclass passes too)
     * @param body the code that must throw
     * @param fragments the texts the message must contain
     * @return the exception thrown
     */
    public static <T extends Throwable> T assertThrowsWithMessage(Class<T> type, ThrowingRunnable body,
            String... fragments) {
        Throwable thrown = null;
        try {
            body.run();
        } catch (Throwable t) {
            thrown = t;
        }
        if (thrown == null) {
            fail("expected a " + type.getName() + " to be thrown, but nothing was thrown");
        }
        if (!type.isInstance(thrown)) {
            AssertionError e = new AssertionError("expected a " + type.getName() + " to be thrown, but "
                    + thrown.getClass().getName() + " was: " + thrown.getMessage());
            e.initCause(thrown);
            throw e;
        }
        T e = type.cast(thrown);
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

    private static void fail(String message) {
        throw new AssertionError(message);
    }
}
