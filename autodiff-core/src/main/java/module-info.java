/**
 * gradtape's engine: tensors, the gradient tape and its primitives, compiled steps, and the
 * gradient checker. It has no dependency beyond {@code java.base}.
 *
 * <p>Only {@code dev.gradtape.autodiff} is API. The kernels beneath it (loops, broadcast maps,
 * matrix products, the program that a compiled step replays) stay inside; their package is
 * exported to one module alone, {@code dev.gradtape.autodiff.vector}, which provides the
 * vector-API matrix loops as a service when it is present and the JVM has
 * {@code jdk.incubator.vector}.
 */
@SuppressWarnings("module") // the vector module is built after this one, so javac cannot see it here
module dev.gradtape.autodiff {
    exports dev.gradtape.autodiff;
    exports dev.gradtape.autodiff.kernels to dev.gradtape.autodiff.vector;

    uses dev.gradtape.autodiff.kernels.MatMulLoops;
    uses dev.gradtape.autodiff.kernels.ElementwiseLoops;
}
