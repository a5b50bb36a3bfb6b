package dev.gradtape.autodiff.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.autodiff.kernels.ElementwiseLoops;
import dev.gradtape.autodiff.kernels.MatMulEngine;
import dev.gradtape.autodiff.kernels.Unary;
import dev.gradtape.testing.EdgeBits;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector module's elementwise loops give the plain loops' bits for every input: the edge
 * values (both zeros, subnormals, infinities, NaNs of either sign), random bit patterns, and every
 * length around the vector size, so that the scalar tail is covered too.
 */
class ElementwiseVectorLoopsTest {
    private static final double[] X = EdgeBits.values();
    private static final double[] G = EdgeBits.partners();

    private static void assertSameBits(double[] g, double[] x) {
        double[] plain = new double[x.length];
        Unary.reluGrad(g, x, plain);
        double[] r = new double[x.length];
        java.util.Arrays.fill(r, 42.0); // every element must be overwritten
        new ElementwiseVectorLoops().reluGrad(g, x, r);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Double.doubleToRawLongBits(plain[i]), Double.doubleToRawLongBits(r[i]),
                    "length " + x.length + ", element " + i + ": g=" + g[i] + ", x=" + x[i] + " [bits "
                            + Long.toHexString(Double.doubleToRawLongBits(x[i])) + "]");
        }
    }

    @Test
    void reluGradOfEveryEdgePairIsThePlainLoopsToTheBit() {
        int n = X.length * G.length;
        double[] x = new double[n];
        double[] g = new double[n];
        for (int i = 0; i < X.length; i++) {
            for (int j = 0; j < G.length; j++) {
                x[i * G.length + j] = X[i];
                g[i * G.length + j] = G[j];
            }
        }
        assertSameBits(g, x);
    }

    @Test
    void reluGradOfRandomBitsAndEveryLengthIsThePlainLoopsToTheBit() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int n = 0; n <= 3 * 8 + 3; n++) { // past three vectors of the widest species
            double[] g = new double[n];
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                g[i] = Double.longBitsToDouble(rng.nextLong());
                x[i] = i % 2 == 0 ? Double.longBitsToDouble(rng.nextLong()) : X[rng.nextInt(X.length)];
            }
            assertSameBits(g, x);
        }
        int n = 100_000;
        double[] g = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            g[i] = Double.longBitsToDouble(rng.nextLong());
            x[i] = i % 3 == 0 ? Double.longBitsToDouble(rng.nextLong()) : rng.nextDouble() - 0.5;
        }
        assertSameBits(g, x);
    }

    @Test
    void theVectorPathTakesTheseLoopsAndThePlainPathThePlainOnes() {
        if (Boolean.getBoolean("gradtape.test.expectVector")) {
            assertTrue(ComputeSettings.vectorAvailable(), "this run started the JVM with"
                    + " --add-modules jdk.incubator.vector, so the vector loops must load");
        }
        assumeTrue(ComputeSettings.vectorAvailable(), "the JVM was started without jdk.incubator.vector");
        try (ComputeSettings.Scope s = ComputeSettings.current().withVector(true).apply()) {
            assertEquals(ElementwiseVectorLoops.class, MatMulEngine.elementwise().getClass());
        }
        try (ComputeSettings.Scope s = ComputeSettings.current().withVector(false).apply()) {
            assertSame(ElementwiseLoops.PLAIN, MatMulEngine.elementwise());
        }
    }
}
