package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.nn.Checkpoint;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.Pendulum;
import dev.gradtape.rl.PendulumRecipe;
import dev.gradtape.rl.PolicyArchitecture;
import dev.gradtape.rl.PolicyCheckpoint;
import dev.gradtape.rl.Reinforce;
import dev.gradtape.rl.UpdateMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pendulum on a short run: two updates of 16 episodes. */
class PendulumCommandTest {
    @TempDir
    Path tmp;

    @Test
    void shortRunWritesCurvesPlotAndACheckpointThatReproducesTheEvaluation() throws IOException {
        Path run = tmp.resolve("pendulum");
        Cli.Run r = Cli.run("pendulum", "--episodes", "32", "--eval-every", "16", "--seed", "1",
                "--out", run.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());

        List<String> curve = Files.readAllLines(run.resolve("learning-curve.csv"));
        assertEquals("episodes,eval_return,train_return,sigma,seconds", curve.get(0));
        assertEquals(4, curve.size(), curve.toString()); // before training, after 16 and after 32
        assertEquals("32", curve.get(3).split(",")[0]);
        List<String> updates = Files.readAllLines(run.resolve("updates.csv"));
        assertEquals(UpdateMetrics.CSV_HEADER, updates.get(0));
        assertEquals(3, updates.size());

        BufferedImage image = ImageIO.read(run.resolve("pendulum.png").toFile());
        assertEquals(900, image.getWidth());
        assertEquals(560, image.getHeight());

        Matcher m = Pattern.compile("Evaluation return after 32 episodes: (-?[0-9.]+)").matcher(r.out());
        assertTrue(m.find(), r.out());
        double printed = Double.parseDouble(m.group(1));
        assertEquals(printed, Double.parseDouble(curve.get(3).split(",")[1]), 0.05);

        GaussianPolicy policy = PendulumRecipe.policy(999);
        Checkpoint.load(run.resolve(PendulumCommand.CHECKPOINT), policy, null);
        double again = Reinforce.evaluate(policy, Pendulum::new, PendulumRecipe.evalSeeds());
        assertEquals(printed, again, 0.05);

        // the file alone rebuilds the same policy, and the run filmed it
        GaussianPolicy rebuilt = PolicyCheckpoint.load(run.resolve(PendulumCommand.CHECKPOINT));
        assertEquals(again, Reinforce.evaluate(rebuilt, Pendulum::new, PendulumRecipe.evalSeeds()));
        assertEquals(PolicyArchitecture.of(PendulumRecipe.policy(0)), PolicyArchitecture.of(rebuilt));
        assertArrayEquals(PendulumAnimation.render(policy), Files.readAllBytes(run.resolve(PendulumAnimation.FILE)));
        assertTrue(r.out().contains(PendulumAnimation.FILE), r.out());
    }

    @Test
    void theFilmIsTheSameMadeOnASecondThreadOrOnTheRunsOwn() throws IOException {
        // with one thread the run films after the plot; with two, beside it
        byte[][] films = new byte[2][];
        for (int threads = 1; threads <= 2; threads++) {
            Path run = tmp.resolve("film-t" + threads);
            Cli.Run r = Cli.run("pendulum", "--episodes", "16", "--seed", "3", "--threads", String.valueOf(threads),
                    "--out", run.toString(), "--quiet");
            assertEquals(0, r.exitCode(), r.err());
            films[threads - 1] = Files.readAllBytes(run.resolve(PendulumAnimation.FILE));
        }
        assertArrayEquals(films[0], films[1]);
        assertArrayEquals(PendulumAnimation.render(PolicyCheckpoint.load(tmp.resolve("film-t2")
                .resolve(PendulumCommand.CHECKPOINT))), films[1]);
    }

    @Test
    void aThreadCountOutOfRangeIsAUsageError() {
        for (String command : new String[] {"pendulum", "article"}) {
            Cli.Run r = Cli.run(command, "--threads", "0", "--out", tmp.resolve("x").toString());
            assertEquals(2, r.exitCode());
            assertEquals("gradtape " + command + ": invalid value for option '--threads': must be from 1 to 1024,"
                    + " got 0", r.firstErrorLine());
            assertTrue(!java.nio.file.Files.exists(tmp.resolve("x")), "a run folder was made");
        }
    }

    @Test
    void badEvaluationIntervalIsAUsageError() {
        Cli.Run r = Cli.run("pendulum", "--eval-every", "0", "--out", tmp.resolve("x").toString());
        assertEquals(2, r.exitCode());
        assertEquals("gradtape pendulum: invalid value for option '--eval-every': must be at least 1, got 0",
                r.firstErrorLine());
    }
}
