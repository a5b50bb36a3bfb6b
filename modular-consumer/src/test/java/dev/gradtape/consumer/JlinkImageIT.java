package dev.gradtape.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Links the consumer, gradtape's three library modules and the vector module into a runtime
 * image with jlink, and runs it: the image needs no class path, no module path and no
 * {@code --add-modules} flag, and takes the vector path because the vector module (and with it
 * jdk.incubator.vector) is linked in. Skipped, with a message, on a JDK without bin/jlink.
 */
class JlinkImageIT {
    private static final Set<String> LINKED = Set.of("dev.gradtape.consumer", "dev.gradtape.rl",
            "dev.gradtape.nn", "dev.gradtape.autodiff", "dev.gradtape.autodiff.vector");

    @Test
    void a_jlink_image_of_the_consumer_runs_on_its_own() throws IOException, InterruptedException {
        // jlink in a process of its own, not the in-process ToolProvider: this JVM runs patched
        // (--patch-module, the test classes), and a JDK without jmods (Temurin 25, which links
        // from its run-time image) refuses to link from a patched runtime.
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        Assumptions.assumeTrue(Files.isExecutable(jlink), "SKIPPED: this JDK has no " + jlink + ", so no image is built");
        String modulePath = gradtapeModulePath();
        Path image = Path.of("target", "consumer-image");
        deleteTree(image);
        try {
            Process link = new ProcessBuilder(jlink.toString(), "--module-path", modulePath,
                    "--add-modules", "dev.gradtape.consumer,dev.gradtape.autodiff.vector",
                    "--strip-debug", "--no-header-files", "--no-man-pages", "--output", image.toString())
                    .redirectErrorStream(true).start();
            assertTrue(link.waitFor(2, TimeUnit.MINUTES), "jlink did not finish in 2 minutes");
            String linked = new String(link.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, link.exitValue(), "jlink --module-path " + modulePath + ":\n" + linked);

            Path java = image.resolve("bin").resolve("java");
            Process p = new ProcessBuilder(java.toString(), "-m", "dev.gradtape.consumer/dev.gradtape.consumer.TrainPolicy",
                    "500").redirectErrorStream(true).start();
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the image's java did not finish in 2 minutes");
            String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), printed);
            assertTrue(printed.contains("modules=dev.gradtape.autodiff dev.gradtape.nn dev.gradtape.rl dev.gradtape.consumer"),
                    printed);
            assertTrue(printed.contains("matmul=vector"), printed);
            assertTrue(printed.contains("episodes=500"), printed);

            Process list = new ProcessBuilder(java.toString(), "--list-modules").redirectErrorStream(true).start();
            String modules = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, list.waitFor());
            for (String m : LINKED) {
                assertTrue(modules.contains(m + "@"), m + " is not in the image: " + modules);
            }
            System.out.printf("jlink image %s: %.1f MB, %d modules%n", image, size(image) / 1e6,
                    modules.lines().count());
        } finally {
            // 50 to 60 MB, and it holds a jar (lib/jrt-fs.jar) that .ci/reproducible-jars would
            // compare against a build that ran no tests: measured above, then removed.
            deleteTree(image);
        }
    }

    /**
     * The entries of this JVM's class path and module path that hold one of the linked modules
     * as an explicit module: failsafe puts the consumer's required modules on the module path and
     * the vector module, which nothing requires, on the class path.
     */
    private static String gradtapeModulePath() {
        Set<String> entries = new LinkedHashSet<>();
        for (String key : new String[] {"jdk.module.path", "java.class.path"}) {
            String v = System.getProperty(key, "");
            for (String e : v.split(File.pathSeparator)) {
                if (!e.isBlank()) {
                    entries.add(e);
                }
            }
        }
        List<String> keep = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        for (String e : entries) {
            Path path = Path.of(e);
            if (!Files.exists(path)) {
                continue;
            }
            for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
                String name = ref.descriptor().name();
                if (LINKED.contains(name) && !ref.descriptor().isAutomatic() && found.add(name)) {
                    keep.add(e);
                }
            }
        }
        assertEquals(LINKED, found, "modules found on " + entries);
        return String.join(File.pathSeparator, keep);
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
