/**
 * A modular application built on gradtape, as a user would write one: it requires
 * {@code dev.gradtape.rl} alone and reads nn and autodiff-core through the
 * {@code requires transitive} chain. The build tests it on the module path and links it with
 * jlink into a runtime image (JlinkImageIT).
 */
module dev.gradtape.consumer {
    requires dev.gradtape.rl;
}
