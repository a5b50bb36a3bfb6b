package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TourCommandTest {
    @TempDir
    Path tmp;

    @Test
    void tourPrintsTheWalkChecksGradientsAndWritesDotFiles() throws IOException {
        Path out = tmp.resolve("tour");
        Cli.Run run = Cli.run("tour", "--out", out.toString());

        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("L = g + a = -6.0"), run.out());
        assertTrue(run.out().contains("step 1: L = g + a (add) receives dL/dL = 1.0"), run.out());
        assertTrue(run.out().contains("step 4: e = a * b (mul) receives dL/de = -2.0"), run.out());
        // each step's rule comes from the op's own definition (Node.rule), with the graph's numbers
        assertTrue(run.out().contains("e = a * b: a receives dL/de * b = -2.0 * -3.0 = 6.0"), run.out());
        assertTrue(run.out().contains("a is used twice: dL/da = 1.0 (from step 1) + 6.0 = 7.0"), run.out());
        assertTrue(run.out().contains("g = d * f: d receives dL/dg * f = 1.0 * -2.0 = -2.0"), run.out());
        assertTrue(run.out().contains("d = e + c: e receives dL/dd = -2.0"), run.out());
        assertTrue(run.out().contains("y = tanh(h): h receives dL/dy * (1 - y^2) = [[0.443672"), run.out());
        assertTrue(run.out().contains("h = z + b: b receives dL/dh, summed to b's shape (2,) = [-0.098136, 0.15381]"),
                run.out());
        assertTrue(run.out().contains("z = x @ W: W receives x^T @ dL/dz = [[0.172768"), run.out());
        assertTrue(run.out().contains("dL/da = 7.0"), run.out());
        assertTrue(run.out().contains("GradCheck passed: 4 values agree"), run.out());
        assertTrue(run.out().contains("GradCheck passed: 14 values agree"), run.out());
        assertTrue(run.out().contains("CompiledStep of 11 steps, 2 variables, 1 input"), run.out());
        assertTrue(run.out().contains("Bit for bit what a new tape gives on the same values: true"), run.out());
        for (String name : new String[] {"scalar.dot", "tensor.dot"}) {
            String dot = Files.readString(out.resolve(name));
            assertTrue(dot.startsWith("digraph"), dot);
            assertTrue(dot.contains("shape=ellipse"), dot);
        }
        assertTrue(Files.readString(out.resolve("scalar.dot")).contains("grad 7.000"));
        String page = Files.readString(out.resolve("tour.html"));
        assertTrue(page.startsWith("<!DOCTYPE html>"), page);
        assertTrue(page.contains("Part 1: L = (a * b + c) * f + a") && page.contains("\"name\":\"W\""), page);
        assertTrue(run.out().contains("Step through both backward passes in a browser (no network needed): "
                + out.resolve("tour.html")), run.out());
        if (Graphviz.findDot().isPresent()) {
            assertTrue(Files.readString(out.resolve("scalar.svg")).contains("<svg"));
        } else {
            assertTrue(run.out().contains("apt-get install graphviz"), run.out());
        }
    }

    @Test
    void scalarGradientsAreTheHandWorkedNumbers() {
        AutodiffTour.Part part = AutodiffTour.scalar(new PrintWriter(new StringWriter()));
        // L = (a b + c) f + a: dL/da = b f + 1, dL/db = a f, dL/dc = f, dL/df = a b + c.
        double a = 2, b = -3, c = 10, f = -2;
        assertEquals(b * f + 1, part.gradients().get("a").item(), 0.0);
        assertEquals(a * f, part.gradients().get("b").item(), 0.0);
        assertEquals(f, part.gradients().get("c").item(), 0.0);
        assertEquals(a * b + c, part.gradients().get("f").item(), 0.0);
        assertTrue(part.check().passed(), part.check().toString());
    }

    @Test
    void broadcastBiasGradientIsTheRowSumOfTheLayerGradient() {
        AutodiffTour.Part part = AutodiffTour.tensor(new PrintWriter(new StringWriter()));
        double[][] x = {{1.0, 2.0, -1.0}, {0.5, -1.0, 2.0}};
        double[][] w = {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.2}};
        double[] bias = {0.1, -0.1};
        // dL/dh = 2 y (1 - y^2) with y = tanh(h); dL/db_j = sum over rows i of dL/dh_ij.
        double[] expected = new double[2];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                double h = bias[j];
                for (int k = 0; k < 3; k++) {
                    h += x[i][k] * w[k][j];
                }
                double y = Math.tanh(h);
                expected[j] += 2 * y * (1 - y * y);
            }
        }
        Tensor db = part.gradients().get("b");
        assertEquals(1, db.rank());
        assertEquals(expected[0], db.get(0), 1e-12);
        assertEquals(expected[1], db.get(1), 1e-12);
        assertTrue(part.check().passed(), part.check().toString());
    }
}
