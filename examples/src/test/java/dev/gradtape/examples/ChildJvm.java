package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the launcher in a new JVM, for what only a fresh process shows: a system property read
 * when a class loads, a small maximum heap. The classes are this test JVM's own (its class path
 * and module path, both put on the child's class path).
 */
final class ChildJvm {
    /** A guard against a hang, not a timing: a run that takes this long has gone wrong. */
    private static final long GIVE_UP_MINUTES = 10;

    private ChildJvm() {
    }

    /** {@code java <jvmOptions> -cp <ours> dev.gradtape.examples.GradtapeCli <args>}. */
    private static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(GradtapeCli.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the launcher in {@code dir}, its output and errors both going to {@code log}. */
    static Process start(Path dir, List<String> jvmOptions, Path log, String... args) throws IOException {
        return new ProcessBuilder(command(jvmOptions, args)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** Runs the launcher in {@code dir} and waits for it. */
    static Cli.Run run(Path dir, List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> cmd = command(jvmOptions, args);
        Path out = Files.createTempFile(dir, "child", ".out");
        Path err = Files.createTempFile(dir, "child", ".err");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(GIVE_UP_MINUTES, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail("the child JVM did not finish in " + GIVE_UP_MINUTES + " minutes: " + cmd);
        }
        Cli.Run run = new Cli.Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return run;
    }

    private static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String key : new String[] {"java.class.path", "jdk.module.path"}) {
            String v = System.getProperty(key);
            if (v != null && !v.isBlank()) {
                parts.add(v);
            }
        }
        return String.join(File.pathSeparator, parts);
    }
}
