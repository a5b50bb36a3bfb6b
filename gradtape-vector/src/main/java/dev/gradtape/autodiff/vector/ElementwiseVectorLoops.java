package dev.gradtape.autodiff.vector;

import dev.gradtape.autodiff.kernels.ElementwiseLoops;
import dev.gradtape.autodiff.kernels.Unary;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise loops of {@link ElementwiseLoops} on the vector API: the same selections as the
 * plain loops, a vector of lanes at a time, so the same bits for every input.
 */
public final class ElementwiseVectorLoops implements ElementwiseLoops {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    /** The loops; {@link java.util.ServiceLoader} makes one. */
    public ElementwiseVectorLoops() {
    }

    @Override
    public void reluGrad(double[] g, double[] x, double[] r) {
        int n = r.length;
        int i = 0;
        DoubleVector zero = DoubleVector.zero(S);
        for (int upper = S.loopBound(n); i < upper; i += S.length()) {
            DoubleVector xv = DoubleVector.fromArray(S, x, i);
            // a lane compares false with NaN, so the NaN test keeps g where x is NaN
            VectorMask<Double> keep = xv.compare(VectorOperators.GT, 0.0).or(xv.test(VectorOperators.IS_NAN));
            zero.blend(DoubleVector.fromArray(S, g, i), keep).intoArray(r, i);
        }
        Unary.reluGrad(g, x, r, i, n); // the last, partial vector: the plain loop itself
    }
}
