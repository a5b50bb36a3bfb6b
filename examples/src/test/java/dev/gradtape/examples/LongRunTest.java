package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long run fits in a small heap: the metrics go to disk row by row and the plot keeps a
 * bounded sample. Before, every row stayed in memory: under -Xmx16m the article died with an
 * OutOfMemoryError before 60,000 episodes (and under -Xmx64m after about 327,800); here it runs
 * 200,000 under -Xmx16m. Not a timing: the run either fits in the heap or fails.
 */
class LongRunTest {
    static final int EPISODES = 200_000;

    @TempDir
    Path tmp;

    @Test
    void theArticleRuns200000EpisodesIn16MiB() throws Exception {
        Path dir = tmp.resolve("long");
        Cli.Run r = ChildJvm.run(tmp, List.of("-Xmx16m"), "article", "--episodes", String.valueOf(EPISODES),
                "-q", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("Final: mu "), r.out());
        assertTrue(r.out().contains("mean reward of the last 1000 episodes"), r.out());
        assertEquals("finished", RunFolder.readRecord(dir).orElseThrow().get("status"));
        try (Stream<String> lines = Files.lines(dir.resolve("metrics.csv"))) {
            assertEquals(EPISODES + 1, lines.count());
        }
        assertTrue(Files.size(dir.resolve("article.png")) > 10_000);
    }
}
