package dev.gradtape.rl;

import java.util.SplittableRandom;

/**
 * Every random stream of a {@link Reinforce} run, each derived from plain numbers: the run's seed,
 * the update's number and, for an episode, its index in the batch. A run's whole random state is
 * therefore (seed, updates so far), which a checkpoint saves as two numbers, and a stream never
 * depends on how many other streams were drawn before it, on which thread runs it, or on which
 * episodes share its forward pass.
 *
 * <p>A stream's seed is a hash of its tuple, folded in one part at a time with splitmix64's
 * finaliser (Steele, Lea and Flood, 2014, the mixer behind {@link SplittableRandom}):
 *
 * <pre>
 *     h_0     = GOLDEN
 *     h_{i+1} = mix64(h_i ^ part_i) + GOLDEN        GOLDEN = 0x9e3779b97f4a7c15 (2^64 / phi)
 *     mix64(z): z = (z ^ z >>> 30) * 0xbf58476d1ce4e5b9; z = (z ^ z >>> 27) * 0x94d049bb133111eb; z ^ z >>> 31
 * </pre>
 *
 * mix64 is a bijection of 64-bit words with full avalanche, so tuples that differ in one part get
 * unrelated seeds; the first part is a tag that keeps the kinds of stream apart.
 */
final class Seeds {
    /** The tag of an episode's stream: its start seed, then its action noise. */
    static final long EPISODE = 1;
    /** The tag of an update's value-network minibatch shuffles. */
    static final long VALUE_MINIBATCHES = 2;
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private Seeds() {
    }

    /**
     * The stream of episode {@code episode} (0-based within its batch) of update {@code update}
     * (from 1): it first gives the environment's start seed, then the action noise of every step.
     */
    static SplittableRandom episode(long seed, long update, int episode) {
        return new SplittableRandom(hash(EPISODE, seed, update, episode));
    }

    /** The stream of update {@code update}'s minibatch shuffles of the value network. */
    static SplittableRandom valueMinibatches(long seed, long update) {
        return new SplittableRandom(hash(VALUE_MINIBATCHES, seed, update));
    }

    /** The hash of the class comment over {@code parts}, in order. */
    static long hash(long... parts) {
        long h = GOLDEN;
        for (long p : parts) {
            h = mix64(h ^ p) + GOLDEN;
        }
        return h;
    }

    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
