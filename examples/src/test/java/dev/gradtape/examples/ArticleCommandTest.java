package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Checkpoint;
import dev.gradtape.rl.GaussianPolicy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The showcase on a short run: what it prints and every file it leaves behind. */
class ArticleCommandTest {
    private static final Pattern FINAL = Pattern.compile("Final: mu (-?[0-9.]+), sigma ([0-9.]+),");

    @TempDir
    static Path tmp;

    static Path run;
    static Cli.Run result;

    @BeforeAll
    static void shortRun() {
        run = tmp.resolve("article");
        result = Cli.run("article", "--episodes", "300", "--seed", "3", "--out", run.toString(), "--quiet");
    }

    @Test
    void printsEveryHundredEpisodesAndASummary() {
        assertEquals(0, result.exitCode(), result.err());
        assertEquals("", result.err());
        List<String> lines = result.out().lines().toList();
        assertEquals(3, lines.stream().filter(l -> l.startsWith("episode ")).count(), result.out());
        assertTrue(lines.stream().anyMatch(l -> l.matches("episode +200 +mu .* sigma .* action .* reward .* loss .*")),
                result.out());
        assertTrue(FINAL.matcher(result.out()).find(), result.out());
        assertTrue(result.out().contains("mean reward of the last 300 episodes"), result.out());
        assertTrue(result.out().contains("Run folder: " + run.toAbsolutePath()), result.out());
    }

    @Test
    void metricsCsvHasTheHeaderAndOneRowPerEpisode() throws IOException {
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertTrue(csv.get(0).startsWith("episode,mu,sigma,action,reward,loss"), csv.get(0));
        assertEquals(301, csv.size());
        for (int i = 1; i < csv.size(); i++) {
            String[] f = csv.get(i).split(",");
            assertEquals(i - 1, Integer.parseInt(f[0]));
            double sigma = Double.parseDouble(f[2]);
            double reward = Double.parseDouble(f[4]);
            assertTrue(sigma > 0, csv.get(i));
            assertTrue(reward > 0 && reward <= 1.0, csv.get(i));
        }
        // The first episode acts with the initial policy: mu = 0 (zero head), sigma = softplus(0.55).
        String[] first = csv.get(1).split(",");
        assertEquals(0.0, Double.parseDouble(first[1]), 0.0);
        assertEquals(Math.log1p(Math.exp(0.55)), Double.parseDouble(first[2]), 1e-12);
    }

    @Test
    void plotIsAPngOfTheExpectedSize() throws IOException {
        Path png = run.resolve("article.png");
        long bytes = Files.size(png);
        assertTrue(bytes > 10_000 && bytes < 2_000_000, "article.png has " + bytes + " bytes");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());
    }

    @Test
    void checkpointLoadsBackIntoTheSamePolicy() {
        GaussianPolicy other = GaussianPolicy.article(12345);
        GaussianPolicy.Distribution before = other.distribution(ArticleRun.STATE);
        Checkpoint.load(run.resolve(ArticleRun.CHECKPOINT), other, null);
        GaussianPolicy.Distribution after = other.distribution(ArticleRun.STATE);

        Matcher m = FINAL.matcher(result.out());
        assertTrue(m.find(), result.out());
        assertEquals(Double.parseDouble(m.group(1)), after.mean().item(), 5e-5);
        assertEquals(Double.parseDouble(m.group(2)), after.std().item(), 5e-5);
        assertNotEquals(before.mean().item(), after.mean().item());
    }

    @Test
    void sameSeedSameRunBitForBit() throws IOException {
        Path again = tmp.resolve("again");
        Cli.Run second = Cli.run("article", "--episodes", "300", "--seed", "3", "--out", again.toString(), "-q");
        assertEquals(0, second.exitCode(), second.err());
        assertArrayEquals(Files.readAllBytes(run.resolve("metrics.csv")), Files.readAllBytes(again.resolve("metrics.csv")));
        assertArrayEquals(Files.readAllBytes(run.resolve(ArticleRun.CHECKPOINT)),
                Files.readAllBytes(again.resolve(ArticleRun.CHECKPOINT)));
    }

    @Test
    void articleLossWithoutBaselineRunsToo() throws IOException {
        Path other = tmp.resolve("article-variant");
        Cli.Run r = Cli.run("article", "--episodes", "50", "--loss", "article", "--baseline", "none",
                "--target", "-2", "--range", "0.5", "--max-reward", "2", "--lr", "0.01", "--out", other.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("loss article, baseline none"), r.out());
        List<String> csv = Files.readAllLines(other.resolve("metrics.csv"));
        assertEquals(51, csv.size());
        for (int i = 1; i < csv.size(); i++) {
            double reward = Double.parseDouble(csv.get(i).split(",")[4]);
            assertTrue(reward > 0 && reward <= 2.0, csv.get(i));
        }
    }

    @Test
    void divergingTrainingFailsWithOneLineAndExitCodeOneAndIsRecordedAsFailed() throws IOException {
        Path diverged = tmp.resolve("diverged");
        Cli.Run r = Cli.run("article", "--episodes", "100", "--lr", "1e300", "--out", diverged.toString(), "-q");
        assertEquals(1, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("gradtape article: failed: Reinforce update "), r.err());
        assertTrue(r.err().contains("NaN"), r.err());
        assertTrue(r.err().strip().endsWith("; the run folder " + diverged.toAbsolutePath()
                + " records it (status failed)"), r.err());
        // the folder keeps what the run did before it failed, and says so
        java.util.Map<String, Object> record = RunFolder.readRecord(diverged).orElseThrow();
        assertEquals("failed", record.get("status"));
        assertTrue(String.valueOf(record.get("error")).startsWith("Reinforce update "), record.toString());
        assertTrue(record.get("ended") instanceof String, record.toString());
        List<String> csv = Files.readAllLines(diverged.resolve("metrics.csv"));
        assertEquals(String.join(",", ArticleRun.COLUMNS), csv.get(0));
        assertFalse(Files.exists(diverged.resolve(ArticleRun.CHECKPOINT)));
    }

    @Test
    void windowAveragesTheLastValues() {
        ArticleRun.Window w = new ArticleRun.Window(2);
        assertTrue(Double.isNaN(w.mean()));
        assertArrayEquals(new double[] {1, 1.5, 2.5, 3.5}, new double[] {w.add(1), w.add(2), w.add(3), w.add(4)}, 0.0);
        assertEquals(2, w.size());
    }
}
