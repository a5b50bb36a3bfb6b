package dev.gradtape.examples;

import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.SafeTensors;
import dev.gradtape.rl.GaussianPolicy;
import dev.gradtape.rl.Pendulum;
import dev.gradtape.rl.PendulumRecipe;
import dev.gradtape.rl.PolicyArchitecture;
import dev.gradtape.rl.PolicyCheckpoint;
import dev.gradtape.rl.Reinforce;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gradtape play --policy FILE}: a saved pendulum policy, evaluated and filmed. The policy
 * is rebuilt from the file alone (its architecture is in the metadata) and checked in full before
 * the run folder is opened, so a file that cannot be played is one line and exit code 2, and
 * changes nothing anywhere.
 */
@Command(name = "play", mixinStandardHelpOptions = true,
        header = "Evaluates a saved pendulum policy and films it swinging up.", sortOptions = false,
        description = {"Rebuilds the policy in FILE (the policy.safetensors of a pendulum run, which"
                + " records its architecture), reports its evaluation return exactly as pendulum does"
                + " (mean action, 10 episodes from fixed start seeds) and writes pendulum.gif: the"
                + " policy's mean action from four fixed start states, side by side."})
final class PlayCommand extends RunCommand implements Callable<Integer> {
    @Option(names = "--policy", paramLabel = "FILE", required = true,
            description = "The policy to play: the policy.safetensors of a pendulum run.")
    Path policy;

    @Override
    public Integer call() throws Exception {
        GaussianPolicy p = load(policy);
        Path file = policy.toAbsolutePath().normalize();
        Path home = file.getParent();
        if (out != null && out.toAbsolutePath().normalize().equals(home)) {
            throw UsageException.withoutUsage(spec, "--out " + out + " is the folder that holds the policy;"
                    + " play writes a run folder of its own (with --force it would replace the run that"
                    + " trained the policy); choose another --out");
        }
        policy = file; // run.json records where the policy was, wherever the repeat starts from
        String name = home == null || home.getFileName() == null ? "play" : "play-" + home.getFileName();
        RunFolder folder = openRunFolder(name);
        PrintWriter o = stdout();
        long[] seeds = PendulumRecipe.evalSeeds();
        double eval = Reinforce.evaluate(p, Pendulum::new, seeds);
        folder.write(PendulumAnimation.FILE, PendulumAnimation.render(p));
        o.printf(Locale.ROOT, "Evaluation return of %s: %.1f (mean action, %d episodes from start seeds"
                + " %d-%d)%n", file, eval, seeds.length, seeds[0], seeds[seeds.length - 1]);
        o.println("Run folder: " + folder.path() + " (" + RunFolder.RECORD + ", " + PendulumAnimation.FILE + ")");
        o.flush();
        return 0;
    }

    /**
     * The policy in {@code file}, checked to be a whole pendulum policy.
     *
     * @throws UsageException (one line, no usage) naming the file and what is wrong with it
     */
    private GaussianPolicy load(Path file) {
        String what = "--policy " + file + ": ";
        if (Files.isDirectory(file)) {
            throw UsageException.withoutUsage(spec, what + "is a folder; give the policy.safetensors in it");
        }
        if (!Files.isRegularFile(file)) {
            throw UsageException.withoutUsage(spec, what + "no such file");
        }
        GaussianPolicy p;
        try {
            SafeTensors.Contents contents = SafeTensors.readContents(file);
            if (!PolicyArchitecture.isIn(contents.metadata())) {
                throw UsageException.withoutUsage(spec, what + withoutArchitecture(file, contents));
            }
            p = PolicyCheckpoint.load(file);
        } catch (CheckpointException | UncheckedIOException e) {
            throw UsageException.withoutUsage(spec, what + reason(file, e.getMessage()));
        }
        if (p.observationSize() != 3 || p.actionSize() != 1) {
            throw UsageException.withoutUsage(spec, what + "the policy takes observations of "
                    + p.observationSize() + " and gives actions of " + p.actionSize() + " element(s); Pendulum's"
                    + " have 3 and 1");
        }
        return p;
    }

    /** Why a file without an architecture cannot be played, and what to do about it. */
    private static String withoutArchitecture(Path file, SafeTensors.Contents contents) {
        Tensor first = contents.tensors().get("body.0.kernel");
        boolean pendulumShaped = first != null && first.rank() == 2 && first.shape().dim(0) == 3
                && contents.tensors().containsKey("logStd");
        if (pendulumShaped) {
            Path record = file.toAbsolutePath().resolveSibling(RunFolder.RECORD);
            String again = Files.isRegularFile(record) ? "gradtape pendulum --config " + record
                    : "gradtape pendulum with the options it was trained with";
            return "this pendulum policy was saved before gradtape recorded the policy's architecture in"
                    + " the file, so it cannot be rebuilt from it; train it again with " + again
                    + " (into a new run folder), whose policy.safetensors play reads";
        }
        return "not a pendulum policy: it records no policy architecture (policy_format), and "
                + (first == null ? "it holds no body.0.kernel"
                        : "its first layer takes observations of " + first.shape().dim(0) + " element(s) ("
                                + "body.0.kernel " + first.shape() + "), where Pendulum's have 3")
                + "; play takes the policy.safetensors of a gradtape pendulum run";
    }

    /** {@code message} without the "Class.method(file): " that the library puts first. */
    private static String reason(Path file, String message) {
        for (String where : new String[] {"PolicyCheckpoint.load(", "Checkpoint.load(", "SafeTensors.read("}) {
            String prefix = where + file + "): ";
            if (message != null && message.startsWith(prefix)) {
                return message.substring(prefix.length());
            }
        }
        return message;
    }
}
