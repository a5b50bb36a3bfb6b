package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as shipped (examples/target/gradtape.jar), run by failsafe after package: it
 * stays small, carries none of XChart's unused PDF/SVG/GIF libraries, and still renders a PNG
 * plot in a headless child JVM with no display.
 */
class ShadedJarIT {
    static final Path JAR = Path.of(System.getProperty("gradtape.jar", "target/gradtape.jar"));

    @TempDir
    Path tmp;

    @Test
    void isAtMostTwoMegabytesAndLeavesOutPdfboxFontboxAndTheVectorEncoders() throws IOException {
        long bytes = Files.size(JAR);
        assertTrue(bytes <= 2_000_000, JAR + " has " + bytes + " bytes");
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> left = jar.stream().map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/pdfbox/") || n.startsWith("org/apache/fontbox/")
                            || n.startsWith("de/rototor/") || n.startsWith("de/erichseifert/")
                            || n.startsWith("com/madgag/"))
                    .toList();
            assertEquals(List.of(), left);
            // What the command line does need is there.
            assertTrue(jar.getEntry("org/knowm/xchart/BitmapEncoder.class") != null);
            assertTrue(jar.getEntry("dev/gradtape/examples/GradtapeCli.class") != null);
            assertTrue(jar.getEntry("META-INF/LICENSE") != null, "no META-INF/LICENSE");
            assertTrue(jar.getEntry("META-INF/NOTICE") != null, "no META-INF/NOTICE");
        }
    }

    @Test
    void rendersTheArticlePlotHeadlessInAChildJvm() throws Exception {
        Path out = tmp.resolve("run");
        Path stdout = tmp.resolve("stdout.txt");
        Path stderr = tmp.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Djava.awt.headless=true", "-jar", JAR.toString(),
                "article", "--episodes", "300", "--seed", "3", "--out", out.toString(), "--quiet")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        pb.environment().remove("DISPLAY");
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the article run did not finish in 120 s");
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), err);
        assertEquals("", err);

        BufferedImage image = ImageIO.read(out.resolve("article.png").toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
        // A drawn chart, not a blank canvas: a white background plus text, grid and coloured lines.
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        assertTrue(colours.size() > 20, "only " + colours.size() + " colours in article.png");
        assertTrue(colours.contains(0xFFFFFFFF), "no white background in article.png");
        assertFalse(Files.readString(stdout, StandardCharsets.UTF_8).isEmpty());
    }
}
