package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution's launcher (examples/target/gradtape/bin/gradtape), run by failsafe after
 * package under /bin/sh: it adds the Vector API module exactly when the JDK's release file lists
 * it, says which matrix path it chose in one stderr line, and the command's own RESULT line
 * confirms that path really ran. Apart from that line, only the JVM's incubator warning may
 * appear on stderr.
 */
class LauncherIT {
    static final Path DIST = Path.of(System.getProperty("gradtape.dist", "target/gradtape"));
    static final Path LAUNCHER = DIST.resolve("bin/gradtape");
    static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    static final String INCUBATOR_WARNING = "WARNING: Using incubator modules: jdk.incubator.vector";
    static final Pattern PATH = Pattern.compile("^RESULT .* path=(\\w+) ", Pattern.MULTILINE);
    static final String[] BENCH = {"bench", "--workload", "MM", "--threads", "1", "--reps", "1", "--size", "64"};

    @TempDir
    Path tmp;

    record Run(int exitCode, String out, List<String> errLines) {
        String path() {
            Matcher m = PATH.matcher(out);
            assertTrue(m.find(), "no RESULT line with a path in: " + out);
            return m.group(1);
        }
    }

    Run run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("GRADTAPE_OPTS");
        pb.environment().remove("GRADTAPE_MATRIX");
        pb.environment().remove("JAVA_TOOL_OPTIONS"); // the JVM would announce it on stderr
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the launcher did not finish in 120 s: " + command);
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    static boolean releaseListsVector(Path jdk) throws IOException {
        return Files.readAllLines(jdk.resolve("release")).stream()
                .anyMatch(l -> l.startsWith("MODULES=") && l.replace('"', ' ').contains(" jdk.incubator.vector "));
    }

    @Test
    void takesTheVectorPathWhenTheJdkHasTheModule() throws Exception {
        assertTrue(releaseListsVector(JAVA_HOME), "JDK 17 and newer ship jdk.incubator.vector: " + JAVA_HOME);
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", JAVA_HOME.toString()), BENCH);
        assertEquals(0, r.exitCode(), String.join("\n", r.errLines()));
        assertEquals(List.of("gradtape: matrix path vector (started with --add-modules jdk.incubator.vector)",
                INCUBATOR_WARNING), r.errLines());
        assertEquals("vector", r.path());
    }

    @Test
    void takesThePlainPathOnAJdkWithoutTheModule() throws Exception {
        // A JDK folder whose release file lists no jdk.incubator.vector, around the real java.
        Path jdk = tmp.resolve("jdk-without-vector");
        Files.createDirectories(jdk.resolve("bin"));
        Files.createSymbolicLink(jdk.resolve("bin/java"), JAVA_HOME.resolve("bin/java"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"17\"\nMODULES=\"java.base java.desktop jdk.unsupported\"\n");
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", jdk.toString()), BENCH);
        assertEquals(0, r.exitCode(), String.join("\n", r.errLines()));
        assertEquals(List.of("gradtape: matrix path plain (this JDK has no jdk.incubator.vector module)"), r.errLines());
        assertEquals("plain", r.path());
    }

    @Test
    void keepsThePlainPathWhenAskedTo() throws Exception {
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", JAVA_HOME.toString(), "GRADTAPE_MATRIX", "plain"), BENCH);
        assertEquals(0, r.exitCode(), String.join("\n", r.errLines()));
        assertEquals(List.of("gradtape: matrix path plain (GRADTAPE_MATRIX=plain)"), r.errLines());
        assertEquals("plain", r.path());
    }

    @Test
    void findsItsJarThroughASymbolicLinkAndTheJavaOnPath() throws Exception {
        Path link = tmp.resolve("elsewhere/gradtape");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, LAUNCHER.toAbsolutePath());
        Map<String, String> env = Map.of("JAVA_HOME", "",
                "PATH", JAVA_HOME.resolve("bin") + ":/usr/bin:/bin");
        Run r = run(link, env, "--version");
        assertEquals(0, r.exitCode(), String.join("\n", r.errLines()));
        assertTrue(r.out().startsWith("gradtape "), r.out());
        assertEquals(List.of("gradtape: matrix path vector (started with --add-modules jdk.incubator.vector)",
                INCUBATOR_WARNING), r.errLines());
    }

    @Test
    void passesTheCommandsExitCodeThrough() throws Exception {
        Run r = run(LAUNCHER, Map.of("JAVA_HOME", JAVA_HOME.toString()), "no-such-command");
        assertEquals(2, r.exitCode(), String.join("\n", r.errLines()));
    }
}
