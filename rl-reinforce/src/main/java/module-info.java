/**
 * Gaussian policies trained with REINFORCE, their losses and continuous-control environments.
 * Requires nn (and through it autodiff-core) transitively: a {@code requires dev.gradtape.rl;}
 * alone reads all three.
 */
module dev.gradtape.rl {
    requires transitive dev.gradtape.nn;

    exports dev.gradtape.rl;
}
