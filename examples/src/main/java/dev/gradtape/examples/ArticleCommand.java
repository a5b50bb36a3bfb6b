package dev.gradtape.examples;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Placeholder until the rl module lands. */
@Command(name = "article", mixinStandardHelpOptions = true, description = "Not yet.")
final class ArticleCommand extends RunCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 1;
    }
}
