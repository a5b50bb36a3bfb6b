/**
 * Test helpers for gradtape and for code built on it: QuickTheories generators of shapes,
 * broadcastable shape pairs and tensors inside an operation's domain, the glue that runs
 * GradCheck over them, assertions about tensors, and a reference matrix product. Its API takes and returns autodiff-core's tensors
 * and QuickTheories' {@code Gen}, so it requires both transitively; its assertions throw plain
 * {@link AssertionError}s, so it needs no test framework.
 */
// QuickTheories 0.26 (its last release) is an automatic module, named after its jar: quicktheories
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.gradtape.testing {
    requires transitive dev.gradtape.autodiff;
    requires transitive quicktheories;

    exports dev.gradtape.testing;
}
