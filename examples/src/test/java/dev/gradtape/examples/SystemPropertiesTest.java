package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.ComputeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad {@code -Dgradtape.threads}: one line and exit code 2 from the command line (it was an
 * 18-line {@code ExceptionInInitializerError} trace), an {@code IllegalArgumentException} that
 * names the property and the value for library users.
 */
class SystemPropertiesTest {
    private static final String MESSAGE = "system property gradtape.threads=%s is not a thread count;"
            + " give a whole number of at least 1, or leave it unset for the number of processors";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0", "-3", "1.5", "99999999999"})
    void aFreshJvmWithABadThreadCountPrintsOneLineAndExitsTwo(String value) throws Exception {
        Cli.Run run = ChildJvm.run(tmp, List.of("-Dgradtape.threads=" + value), "article", "--episodes", "10",
                "-q", "--out", tmp.resolve("run").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("gradtape article: " + String.format(MESSAGE, value) + System.lineSeparator(), run.err());
        assertEquals("", run.out());
        assertFalse(Files.exists(tmp.resolve("run")), "a refused run made its folder");
    }

    @Test
    void benchToo() throws Exception {
        Cli.Run run = ChildJvm.run(tmp, List.of("-Dgradtape.threads=0"), "bench", "--workload", "MM", "--size", "8");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("gradtape bench: " + String.format(MESSAGE, "0") + System.lineSeparator(), run.err());
    }

    @Test
    void aGoodThreadCountIsTaken() throws Exception {
        Cli.Run run = ChildJvm.run(tmp, List.of("-Dgradtape.threads=3"), "bench", "--workload", "MM", "--size",
                "8", "--reps", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(" threads=3 "), run.out());
    }

    @Test
    void libraryUsersGetAnIllegalArgumentExceptionNamingTheProperty() {
        ComputeSettings.current().threads(); // the engine has read the (unset) property: nothing below can break it
        String saved = System.getProperty(ComputeSettings.THREADS_PROPERTY);
        try {
            System.setProperty(ComputeSettings.THREADS_PROPERTY, "abc");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, ComputeSettings::threadsProperty);
            assertEquals(String.format(MESSAGE, "abc"), e.getMessage());
            assertEquals(String.format(MESSAGE, "abc"),
                    assertThrows(IllegalArgumentException.class, ComputeSettings::current).getMessage());
            System.setProperty(ComputeSettings.THREADS_PROPERTY, " 4 ");
            assertEquals(OptionalInt.of(4), ComputeSettings.threadsProperty());
            System.setProperty(ComputeSettings.THREADS_PROPERTY, "");
            assertEquals(OptionalInt.empty(), ComputeSettings.threadsProperty());
        } finally {
            if (saved == null) {
                System.clearProperty(ComputeSettings.THREADS_PROPERTY);
            } else {
                System.setProperty(ComputeSettings.THREADS_PROPERTY, saved);
            }
        }
    }

    @Test
    void helpStillWorks() throws IOException, InterruptedException {
        Cli.Run run = ChildJvm.run(tmp, List.of("-Dgradtape.threads=abc"), "article", "--help");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Usage: gradtape article"), run.out());
    }
}
