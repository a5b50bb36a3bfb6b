package dev.gradtape.testing;

import static org.quicktheories.generators.SourceDSL.doubles;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * QuickTheories generators of shapes and tensors for gradient properties, for gradtape's own
 * suites and for users who property-test their own gradients.
 *
 * <p>Shapes have rank 0 to 3 and dimensions 1 to 4 (at most 64 elements, so that GradCheck can
 * check every element). {@link #broadcastablePairs()} makes at least 30% of its pairs broadcast by
 * construction, among them a scalar against a tensor of rank 1 to 3 and the (1, n) / (n, 1)
 * pair; {@code TensorGeneratorsProperties} measures this. Values come from a {@link Domain} and
 * keep its margin from its kinks.
 *
 * <p>Every draw comes from QuickTheories' randomness source, so a run with
 * {@code qt().withFixedSeed(s)} is reproducible and a failing case shrinks. A gradient property
 * of a binary operation reads:
 *
 * <pre>{@code
 * qt().withExamples(100).withFixedSeed(42)
 *     .forAll(TensorGenerators.tensorPairs(Domain.REAL, Domain.NONZERO))
 *     .checkAssert(p -> GradCheck.defaults().assertGradients(
 *         in -> in.get(0).div(in.get(1)), p.left(), p.right()));
 * }</pre>
 */
public final class TensorGenerators {
    /** The largest rank generated. */
    public static final int MAX_RANK = 3;
    /** The largest dimension generated. */
    public static final int MAX_DIM = 4;

    private TensorGenerators() {
    }

    /** {@return shapes of rank 0 to 3, dimensions 1 to 4} */
    public static Gen<Shape> shapes() {
        return shapes(0, MAX_RANK);
    }

    /**
     * Shapes of rank {@code minRank} to {@code maxRank}, dimensions 1 to 4.
     *
     * @param minRank the smallest rank
     * @param maxRank the largest rank
     * @return the generator
     */
    public static Gen<Shape> shapes(int minRank, int maxRank) {
        return shapes(minRank, maxRank, 1, MAX_DIM);
    }

    /**
     * Shapes of rank {@code minRank} to {@code maxRank}, dimensions {@code minDim} to {@code maxDim}.
     *
     * @param minRank the smallest rank
     * @param maxRank the largest rank
     * @param minDim the smallest dimension
     * @param maxDim the largest dimension
     * @return the generator
     */
    public static Gen<Shape> shapes(int minRank, int maxRank, int minDim, int maxDim) {
        Gen<Integer> rank = Generate.range(minRank, maxRank);
        Gen<Integer> dim = Generate.range(minDim, maxDim);
        Gen<Shape> gen = in -> {
            int[] d = new int[rank.generate(in)];
            for (int i = 0; i < d.length; i++) {
                d[i] = dim.generate(in);
            }
            return Shape.of(d);
        };
        return gen.describedAs(Shape::toString);
    }

    /**
     * Pairs of broadcastable shapes: about 35% equal shapes, 15% a scalar against rank 1 to 3,
     * 15% (1, n) against (n, 1) or (n, 1) against (1, m), and 35% a shape against a copy with
     * leading axes dropped and some dimensions set to 1, in either order.
     *
     * @return the generator
     */
    @SuppressWarnings("unchecked")
    public static Gen<ShapePair> broadcastablePairs() {
        Gen<ShapePair> same = shapes().map(s -> new ShapePair(s, s));
        Gen<ShapePair> scalar = shapes(1, MAX_RANK).zip(Generate.booleans(),
                (s, first) -> first ? new ShapePair(Shape.SCALAR, s) : new ShapePair(s, Shape.SCALAR));
        Gen<ShapePair> rowColumn = in -> {
            int n = Generate.range(2, MAX_DIM).generate(in);
            int m = Generate.booleans().generate(in) ? n : Generate.range(1, MAX_DIM).generate(in);
            ShapePair p = new ShapePair(Shape.of(1, n), Shape.of(m, 1));
            return Generate.booleans().generate(in) ? p : p.swapped();
        };
        Gen<ShapePair> general = in -> {
            Shape s = shapes(1, MAX_RANK).generate(in);
            int[] full = s.dims();
            int drop = Generate.range(0, full.length).generate(in);
            int[] d = new int[full.length - drop];
            for (int i = 0; i < d.length; i++) {
                d[i] = Generate.booleans().generate(in) ? 1 : full[i + drop];
            }
            ShapePair p = new ShapePair(s, Shape.of(d));
            return Generate.booleans().generate(in) ? p : p.swapped();
        };
        Gen<ShapePair> gen = Generate.frequency(Pair.of(35, same), Pair.of(15, scalar),
                Pair.of(15, rowColumn), Pair.of(35, general));
        return gen.describedAs(ShapePair::toString);
    }

    /**
     * Tensors of generated shapes (rank 0 to 3) with values in {@code domain}.
     *
     * @param domain where the values come from
     * @return the generator
     */
    public static Gen<Tensor> tensors(Domain domain) {
        return tensors(shapes(), domain);
    }

    /**
     * Tensors of the generated shapes with values in {@code domain}.
     *
     * @param shapes the generator of shapes
     * @param domain where the values come from
     * @return the generator
     */
    public static Gen<Tensor> tensors(Gen<Shape> shapes, Domain domain) {
        Gen<Tensor> gen = in -> tensorOf(shapes.generate(in), domain, in);
        return gen.describedAs(Tensor::toString);
    }

    /**
     * Tensors of exactly {@code shape} with values in {@code domain}.
     *
     * @param shape the shape of every tensor
     * @param domain where the values come from
     * @return the generator
     */
    public static Gen<Tensor> tensors(Shape shape, Domain domain) {
        return tensors(Generate.constant(shape), domain);
    }

    /**
     * Pairs of tensors of broadcastable shapes ({@link #broadcastablePairs()}), each with values
     * in its own domain.
     *
     * @param left where the first operand's values come from
     * @param right where the second operand's values come from
     * @return the generator
     */
    public static Gen<TensorPair> tensorPairs(Domain left, Domain right) {
        Gen<ShapePair> shapes = broadcastablePairs();
        Gen<TensorPair> gen = in -> {
            ShapePair p = shapes.generate(in);
            return new TensorPair(tensorOf(p.left(), left, in), tensorOf(p.right(), right, in));
        };
        return gen.describedAs(TensorPair::toString);
    }

    /**
     * Pairs of tensors in [-2, 2] whose broadcast elements differ by at least 0.01 everywhere:
     * inputs for maximum and minimum, which have a kink where they tie. Each value is moved onto
     * a lattice of step 0.1: left values into k 0.1 + [0.03, 0.07], right values into
     * k 0.1 + [-0.02, 0.02], so no left value comes within 0.01 of any right value.
     *
     * @return the generator
     */
    public static Gen<TensorPair> separatedPairs() {
        Gen<TensorPair> pairs = tensorPairs(Domain.REAL, Domain.REAL);
        Gen<TensorPair> gen = in -> {
            TensorPair p = pairs.generate(in);
            return new TensorPair(onLattice(p.left(), 0.5), onLattice(p.right(), 0.0));
        };
        return gen.describedAs(TensorPair::toString);
    }

    private static Tensor onLattice(Tensor t, double phase) {
        double h = 0.1;
        double[] v = t.toArray();
        for (int i = 0; i < v.length; i++) {
            double k = Math.floor(v[i] / h);
            double frac = v[i] / h - k;
            v[i] = h * (k + phase + 0.4 * (frac - 0.5));
        }
        return Tensor.of(v, t.shape().dims());
    }

    /**
     * The smallest {@code |left - right|} over the broadcast elements of the pair.
     *
     * @param p the pair
     * @return the smallest gap
     */
    public static double minimumGap(TensorPair p) {
        Shape s = p.result();
        double[] a = p.left().detach().broadcastTo(s).toArray();
        double[] b = p.right().detach().broadcastTo(s).toArray();
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 0; i < a.length; i++) {
            gap = Math.min(gap, Math.abs(a[i] - b[i]));
        }
        return gap;
    }

    /**
     * Tensors whose elements are pairwise at least 0.4 (hi - lo) / size apart (over 1e-3 for
     * the shapes generated here): inputs for max, whose gradient goes to the first maximum, a
     * kink where two elements tie. Element i is placed in slot perm(i) of a grid over [lo, hi],
     * with a jitter of at most 0.3 of a slot.
     *
     * @param shapes the generator of shapes
     * @param lo the lower end of the grid
     * @param hi the upper end of the grid
     * @return the generator
     */
    public static Gen<Tensor> distinctTensors(Gen<Shape> shapes, double lo, double hi) {
        Gen<Tensor> gen = in -> {
            Shape s = shapes.generate(in);
            int n = s.size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates
                int j = Generate.range(0, i).generate(in);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            double slot = (hi - lo) / n;
            Gen<Double> jitter = doubles().between(-0.3, 0.3);
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = lo + (perm[i] + 0.5 + jitter.generate(in)) * slot;
            }
            return Tensor.of(v, s.dims());
        };
        return gen.describedAs(Tensor::toString);
    }

    /** {@return exponents for pow on positive bases: integers, halves and negative values} */
    public static Gen<Double> exponents() {
        return Generate.pick(java.util.List.of(-2.0, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 3.0, 2.5));
    }

    private static Tensor tensorOf(Shape shape, Domain domain, RandomnessSource in) {
        Gen<Double> value = doubles().between(domain.lo(), domain.hi());
        double[] v = new double[shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = domain.nudge(value.generate(in));
        }
        return Tensor.of(v, shape.dims());
    }
}
