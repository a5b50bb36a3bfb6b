/**
 * The optional fast path: autodiff-core's matrix-product loops, and the elementwise loops that
 * gain from it, written with the JDK's vector API ({@code jdk.incubator.vector}). It exports nothing; autodiff-core finds it as a service. Put it
 * on the module path (requiring it resolves the incubator module as well) or on the class path
 * of a JVM started with {@code --add-modules jdk.incubator.vector}; without it the plain-Java
 * loops run, to the same results up to round-off.
 */
module dev.gradtape.autodiff.vector {
    requires dev.gradtape.autodiff;
    requires jdk.incubator.vector;

    provides dev.gradtape.autodiff.kernels.MatMulLoops with dev.gradtape.autodiff.vector.MatMulVectorKernel;
    provides dev.gradtape.autodiff.kernels.ElementwiseLoops with dev.gradtape.autodiff.vector.ElementwiseVectorLoops;
}
