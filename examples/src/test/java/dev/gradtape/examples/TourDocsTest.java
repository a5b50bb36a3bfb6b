package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The tour's terminal lines against docs/how-autodiff-works.md: the hand-worked table of section 2,
 * every line the docs quote from the tour, and the sections the tour points to.
 */
class TourDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "how-autodiff-works.md");

    private static String docs() throws IOException {
        return Files.readString(DOCS);
    }

    private static String tour() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        AutodiffTour.scalar(out);
        AutodiffTour.tensor(out);
        AutodiffTour.readOn(out);
        out.flush();
        return text.toString();
    }

    /** The lines of the tour's step {@code n} (of the scalar walk, the first one printed). */
    private static List<String> step(String tour, int n) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : tour.split("\\R")) {
            if (line.startsWith("  step ")) {
                if (in) {
                    break;
                }
                in = line.startsWith("  step " + n + ":");
            } else if (in && !line.startsWith("          ")) {
                break;
            }
            if (in) {
                lines.add(line);
            }
        }
        return lines;
    }

    private static double lastNumber(String s) {
        Matcher m = Pattern.compile("(-?\\d+(\\.\\d+)?)\\s*$").matcher(s.trim());
        assertTrue(m.find(), "no number at the end of: " + s);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void everyRowOfTheHandWorkedTableIsAStepOfTheTour() throws IOException {
        String tour = tour();
        // | 2 | g = mul(d, f) | dL/dg = 1 | d: 1 * f = -2, f: 1 * d = 4 |
        Pattern row = Pattern.compile("^\\| (\\d+) \\| (\\w+) = \\w+\\([^)]*\\) \\| dL/d(\\w+) = (-?[\\d.]+) \\| (.*) \\|$",
                Pattern.MULTILINE);
        Matcher m = row.matcher(docs());
        int rows = 0;
        while (m.find()) {
            rows++;
            int n = Integer.parseInt(m.group(1));
            String output = m.group(2);
            List<String> step = step(tour, n);
            assertTrue(!step.isEmpty(), "the tour has no step " + n + ":\n" + tour);
            String header = step.get(0);
            assertTrue(header.startsWith("  step " + n + ": " + output + " = "), header);
            assertTrue(header.contains(" receives dL/d" + m.group(3) + " = "), header);
            assertEquals(Double.parseDouble(m.group(4)), lastNumber(header), 0.0, header);
            for (String send : m.group(5).split(", ")) {
                String to = send.substring(0, send.indexOf(':'));
                double value = lastNumber(send);
                String line = step.stream().filter(l -> l.contains(": " + to + " receives ")).findFirst()
                        .orElseThrow(() -> new AssertionError("step " + n + " sends nothing to " + to + ": " + step));
                assertEquals(value, lastNumber(line), 0.0, line);
            }
        }
        assertEquals(4, rows, "the docs' table of the scalar walk has four rows");
    }

    @Test
    void everyTourLineTheDocsQuoteIsPrintedByTheTour() throws IOException {
        List<String> tourLines = List.of(tour().split("\\R"));
        int quoted = 0;
        for (String line : docs().split("\\R")) {
            String t = line.strip();
            boolean fromTour = line.startsWith("    ") && (t.startsWith("step ") || t.startsWith("dL/d")
                    || t.contains(" receives ") || t.contains(" is used ") || t.startsWith("GradCheck passed"));
            if (fromTour) {
                quoted++;
                assertTrue(tourLines.stream().anyMatch(l -> l.strip().equals(t) || l.strip().endsWith(t)),
                        "docs/how-autodiff-works.md quotes a line the tour does not print: " + t);
            }
        }
        assertTrue(quoted >= 12, "expected the docs to quote the tour, found " + quoted + " lines");
    }

    @Test
    void theTourExplainsTheWalkAndPointsToSectionsThatExist() throws IOException {
        String tour = tour();
        assertTrue(tour.contains("The tape has recorded 4 operations, one entry each, in the order they ran:\n"
                + "    e = a * b, d = e + c, g = d * f, L = g + a."), tour);
        assertTrue(tour.contains("The walk visits the entries in reverse"), tour);
        String docs = docs();
        assertTrue(tour.contains("Read on in docs/how-autodiff-works.md:"), tour);
        for (AutodiffTour.Pointer p : AutodiffTour.READ_ON) {
            assertTrue(docs.contains("\n## " + p.section() + "\n"), "no section '## " + p.section() + "' in the docs");
            assertTrue(tour.contains("  " + p.section() + " "), tour);
        }
    }
}
