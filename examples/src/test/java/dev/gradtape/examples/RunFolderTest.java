package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path tmp;

    @Test
    void writesLandWholeAndLeaveNoTemporaryFiles() throws IOException {
        RunFolder folder = RunFolder.open(tmp.resolve("a/b"), false);
        folder.writeText("x.csv", "old");
        folder.write("x.csv", new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(folder.resolve("x.csv")));
        try (Stream<Path> files = Files.list(folder.path())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void anEmptyExistingFolderIsFineAndAFullOneNeedsForce() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("d"));
        RunFolder.open(dir, false).writeText("metrics.csv", "1"); // a file runs write: --force may replace it
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunFolder.open(dir, false));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        RunFolder.open(dir, true);
    }

    @Test
    void freshNamesSkipExistingFolders() throws IOException {
        Files.createDirectories(tmp.resolve("article-seed1"));
        Files.createDirectories(tmp.resolve("article-seed1-2"));
        assertEquals(tmp.resolve("article-seed1-3"), RunFolder.fresh(tmp, "article-seed1"));
        assertEquals(tmp.resolve("other"), RunFolder.fresh(tmp, "other"));
    }

    @Test
    void newFoldersAreClaimedOnceEachAndAnUnusedOneIsRemoved() throws IOException {
        RunFolder a = RunFolder.openNew(tmp, "article-seed1");
        RunFolder b = RunFolder.openNew(tmp, "article-seed1");
        assertEquals(tmp.resolve("article-seed1"), a.path());
        assertEquals(tmp.resolve("article-seed1-2"), b.path());
        assertTrue(Files.isDirectory(b.path()));
        b.begin("article", java.util.Map.of());
        b.end(RunFolder.Status.FAILED, "before anything was written");
        assertFalse(Files.exists(b.path()), "a run that wrote nothing but run.json left its folder");
        a.writeText("x.csv", "1");
        a.end(RunFolder.Status.FAILED, "after something was written");
        assertTrue(Files.exists(a.resolve("x.csv")));
    }

    @Test
    void csvHasHeaderAndExactNumbers() throws IOException {
        Path file = tmp.resolve("t.csv");
        try (CsvLog t = CsvLog.create(file, "episode", "value")) {
            t.add(1, 0.1);
            t.add(2L, 1e-20);
            t.addLine("3,-0.0");
            assertEquals(3, t.rowCount());
            assertThrows(IllegalArgumentException.class, () -> t.add(1));
            assertThrows(IllegalArgumentException.class, () -> t.addLine("1,2,3"));
        }
        assertEquals("episode,value\n1,0.1\n2,1.0E-20\n3,-0.0\n", Files.readString(file));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> CsvLog.create(file, "x"));
    }
}
