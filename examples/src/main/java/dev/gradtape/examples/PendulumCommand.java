package dev.gradtape.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the rl module lands. */
@Command(name = "pendulum", mixinStandardHelpOptions = true, description = "Not yet.")
final class PendulumCommand extends RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
