package dev.gradtape.autodiff.vector;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.testing.ChildJvm;
import dev.gradtape.testing.MatMulReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jdk.incubator.vector.DoubleVector;
import org.junit.jupiter.api.Test;

/**
 * The vector kernel gives the same bits whatever the vector size, and so whatever register tile
 * it chose: this JVM (512-bit vectors on an AVX-512 machine) against child JVMs limited to
 * 256-bit vectors ({@code -XX:UseAVX=2}, x86 only) and to 128-bit ones
 * ({@code -XX:MaxVectorSize=16}). Each JVM runs {@link #main} on fixed operands, covering every
 * transposition, the workload-B shapes, odd sizes, several k and column blocks and partial row
 * ranges, checks each element against the documented fma chain, and prints its vector size and
 * a SHA-256 of each product's bits.
 */
class MatMulVectorKernelSpeciesTest {
    /** n, k, m, i0, i1 of each product; each runs with the four transposition flags. */
    private static final int[][] CASES = {{256, 256, 256, 0, 256}, {256, 256, 256, 32, 64}, {256, 64, 256, 0, 256},
        {256, 256, 8, 0, 256}, {256, 8, 256, 0, 256}, {64, 256, 256, 0, 64}, {70, 300, 270, 3, 70},
        {37, 129, 53, 0, 37}, {13, 5, 13, 2, 11}, {150, 131, 21, 7, 150}};

    @Test
    void products_are_bit_identical_across_vector_sizes() throws Exception {
        assumeTrue(ComputeSettings.vectorAvailable(), "the JVM was started without jdk.incubator.vector");
        List<String> here = results();
        List<List<String>> flags = new ArrayList<>();
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            flags.add(List.of("-XX:UseAVX=2"));
        }
        flags.add(List.of("-XX:MaxVectorSize=16"));
        Set<String> sizes = new HashSet<>();
        sizes.add(here.get(0));
        for (List<String> f : flags) {
            List<String> child = child(f);
            sizes.add(child.get(0));
            if (f.get(0).equals("-XX:MaxVectorSize=16")) {
                assertEquals("bits 128", child.get(0), "the child's vector size under " + f);
            }
            assertEquals(here.size(), child.size(), "lines from the child under " + f + ": " + child);
            for (int i = 1; i < here.size(); i++) {
                assertEquals(here.get(i), child.get(i), "this JVM (" + here.get(0) + ") against the child under "
                        + f + " (" + child.get(0) + ")");
            }
        }
        assertTrue(sizes.size() >= 2, "more than one vector size compared: " + sizes);
    }

    /** The lines {@link #main} prints, in a JVM started with {@code flags}. */
    private static List<String> child(List<String> flags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(flags);
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "-cp",
                ChildJvm.classPath(MatMulVectorKernelSpeciesTest.class), MatMulVectorKernelSpeciesTest.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertEquals(0, p.waitFor(), String.join("\n", lines));
        return lines;
    }

    /**
     * Prints this JVM's preferred vector size, then one line per product: its case and the
     * SHA-256 of its elements' bits.
     *
     * @param args none
     */
    public static void main(String[] args) {
        results().forEach(System.out::println);
    }

    private static List<String> results() {
        List<String> out = new ArrayList<>();
        out.add("bits " + DoubleVector.SPECIES_PREFERRED.vectorBitSize());
        MatMulVectorKernel kernel = new MatMulVectorKernel();
        for (int[] s : CASES) {
            int n = s[0];
            int k = s[1];
            int m = s[2];
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0;
                boolean tb = (flags & 2) != 0;
                double[] a = MatMulReference.random(1000L * n + k, n * k);
                double[] b = MatMulReference.random(1000L * m + k + 1, k * m);
                double[] c = new double[n * m];
                kernel.multiply(a, 0, ta, b, 0, tb, c, 0, n, k, m, s[3], s[4]);
                // and in every JVM, each element is the documented fma chain
                MatMulVectorKernelProperties.assertMatchesChain(a, ta, b, tb, n, k, m, s[3], s[4]);
                out.add(n + "x" + k + "x" + m + " rows " + s[3] + ".." + s[4] + " ta=" + ta + " tb=" + tb + " "
                        + sha256(c));
            }
        }
        return out;
    }

    private static String sha256(double[] c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (double x : c) {
                long bits = Double.doubleToRawLongBits(x);
                for (int i = 0; i < 8; i++) {
                    md.update((byte) (bits >>> (8 * i)));
                }
            }
            StringBuilder hex = new StringBuilder();
            for (byte x : md.digest()) {
                hex.append(String.format("%02x", x));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
