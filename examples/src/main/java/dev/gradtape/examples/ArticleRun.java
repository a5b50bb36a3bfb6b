package dev.gradtape.examples;

/** Placeholder until Reinforce lands on the rl branch. */
final class ArticleRun {
    private ArticleRun() {
    }

    static int run(ArticleCommand settings, RunFolder folder) {
        throw new IllegalStateException("the article command needs rl's Reinforce, not merged yet");
    }
}
