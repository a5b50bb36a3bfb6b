package dev.gradtape.autodiff;

import static dev.gradtape.autodiff.OpGradientProperties.forAll;
import static dev.gradtape.testing.TensorGenerators.broadcastablePairs;
import static dev.gradtape.testing.TensorGenerators.shapes;
import static dev.gradtape.testing.TensorGenerators.tensors;

import dev.gradtape.testing.Domain;
import dev.gradtape.testing.ShapePair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The backward rules of the shape operations (reshape, broadcastTo, sumTo, transpose, permute,
 * slice, split, pad, concat) and of matmul agree with central differences on generated inputs.
 * Each case is generated whole (tensors plus the operation's arguments) and described by its
 * {@code toString}, so a failure shows what was run.
 */
class ShapeGradientProperties {
    /** Inputs and a description of the call; {@code op} maps the (watched) inputs to the output. */
    record Case(String call, List<Tensor> inputs, Function<List<Tensor>, Tensor> op) {
        @Override
        public String toString() {
            return call + " on " + inputs;
        }
    }

    private static void check(Gen<Case> cases) {
        forAll(cases.describedAs(Case::toString), c -> GradCheck.defaults()
                .assertGradients(in -> c.op().apply(in), c.inputs().toArray(new Tensor[0])));
    }

    private static Tensor draw(Shape s, org.quicktheories.core.RandomnessSource in) {
        return tensors(s, Domain.REAL).generate(in);
    }

    private static int draw(int lo, int hi, org.quicktheories.core.RandomnessSource in) {
        return Generate.range(lo, hi).generate(in);
    }

    // ------------------------------------------------------------ reshaping and broadcasting

    @Test
    void reshape() {
        check(in -> {
            Tensor x = draw(shapes().generate(in), in);
            int[] d = x.shape().dims();
            int[][] targets = {{x.size()}, {-1}, reversed(d), {1, x.size()}, {x.size(), -1, 1}, {}};
            int[] target = targets[draw(0, x.size() == 1 ? 5 : 4, in)];
            return new Case("reshape" + Arrays.toString(target), List.of(x), xs -> xs.get(0).reshape(target));
        });
    }

    private static int[] reversed(int[] d) {
        int[] r = new int[d.length];
        for (int i = 0; i < d.length; i++) r[i] = d[d.length - 1 - i];
        return r;
    }

    @Test
    void broadcastToDims() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            Shape target = p.result();
            return new Case("broadcastTo" + target, List.of(draw(p.left(), in)),
                    xs -> xs.get(0).broadcastTo(target.dims()));
        });
    }

    @Test
    void broadcastToShape() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            Shape target = p.result();
            return new Case("broadcastTo" + target, List.of(draw(p.right(), in)),
                    xs -> xs.get(0).broadcastTo(target));
        });
    }

    @Test
    void sumTo() {
        check(in -> {
            ShapePair p = broadcastablePairs().generate(in);
            return new Case("sumTo" + p.left(), List.of(draw(p.result(), in)),
                    xs -> xs.get(0).sumTo(p.left()));
        });
    }

    // ------------------------------------------------------------ axes

    @Test
    void transpose() {
        check(in -> new Case("transpose", List.of(draw(shapes(2, 3).generate(in), in)),
                xs -> xs.get(0).transpose()));
    }

    @Test
    void permute() {
        check(in -> {
            Tensor x = draw(shapes().generate(in), in);
            List<Integer> axes = new ArrayList<>();
            for (int i = 0; i < x.rank(); i++) axes.add(i);
            int[] perm = new int[x.rank()];
            for (int i = 0; i < perm.length; i++) {
                int pick = axes.remove(draw(0, axes.size() - 1, in));
                perm[i] = Generate.booleans().generate(in) ? pick - x.rank() : pick; // negative axes too
            }
            return new Case("permute" + Arrays.toString(perm), List.of(x), xs -> xs.get(0).permute(perm));
        });
    }

    // ------------------------------------------------------------ slicing and joining

    @Test
    void slice() {
        check(in -> {
            Tensor x = draw(shapes(1, 3).generate(in), in);
            int axis = draw(-x.rank(), x.rank() - 1, in);
            int len = x.shape().dim(axis);
            int start = draw(0, len - 1, in);
            int end = draw(start + 1, len, in);
            return new Case("slice(" + axis + ", " + start + ", " + end + ")", List.of(x),
                    xs -> xs.get(0).slice(axis, start, end));
        });
    }

    @Test
    void split() {
        check(in -> {
            Tensor x = draw(shapes(1, 3, 2, 4).generate(in), in);
            int axis = draw(0, x.rank() - 1, in);
            int len = x.shape().dim(axis);
            int first = draw(0, len, in);
            int[] sizes = {first, len - first};
            // weight the pieces differently so that a piece sent to the wrong place shows
            return new Case("split(" + axis + ", " + Arrays.toString(sizes) + ")", List.of(x), xs -> {
                List<Tensor> parts = xs.get(0).split(axis, sizes);
                return parts.get(0).sum().mul(2.0).add(parts.get(1).exp().sum());
            });
        });
    }

    @Test
    void pad() {
        check(in -> {
            Tensor x = draw(shapes(1, 3).generate(in), in);
            int axis = draw(-x.rank(), x.rank() - 1, in);
            int before = draw(0, 2, in);
            int after = draw(0, 2, in);
            return new Case("pad(" + axis + ", " + before + ", " + after + ")", List.of(x),
                    xs -> xs.get(0).pad(axis, before, after));
        });
    }

    @Test
    void concatArray() {
        check(concatCases(false));
    }

    @Test
    void concatList() {
        check(concatCases(true));
    }

    private static Gen<Case> concatCases(boolean asList) {
        return in -> {
            Shape s = shapes(1, 3).generate(in);
            int axis = draw(0, s.rank() - 1, in);
            int count = draw(1, 3, in);
            List<Tensor> parts = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int[] d = s.dims();
                d[axis] = draw(1, 3, in);
                parts.add(draw(Shape.of(d), in));
            }
            return new Case("concat(" + axis + ")", parts, xs -> asList ? Tensor.concat(axis, xs)
                    : Tensor.concat(axis, xs.toArray(new Tensor[0])));
        };
    }

    // ------------------------------------------------------------ matmul

    private static Case matmulCase(Shape a, Shape b, org.quicktheories.core.RandomnessSource in) {
        return new Case("matmul " + a + " @ " + b, List.of(draw(a, in), draw(b, in)),
                xs -> xs.get(0).matmul(xs.get(1)));
    }

    private static int[] with(int[] batch, int... last) {
        int[] d = Arrays.copyOf(batch, batch.length + last.length);
        System.arraycopy(last, 0, d, batch.length, last.length);
        return d;
    }

    @Test
    void matmul2d() {
        check(in -> {
            int n = draw(1, 4, in);
            int k = draw(1, 4, in);
            int m = draw(1, 4, in);
            return matmulCase(Shape.of(n, k), Shape.of(k, m), in);
        });
    }

    @Test
    void matmulBatched() {
        check(in -> {
            int[] batch = shapes(1, 2, 1, 3).generate(in).dims();
            int n = draw(1, 3, in);
            int k = draw(1, 3, in);
            int m = draw(1, 3, in);
            return matmulCase(Shape.of(with(batch, n, k)), Shape.of(with(batch, k, m)), in);
        });
    }

    @Test
    void matmulBroadcastBatch() {
        check(in -> {
            ShapePair batch = broadcastablePairs().generate(in);
            while (batch.result().rank() > 2 || batch.result().size() > 8) {
                batch = broadcastablePairs().generate(in);
            }
            int n = draw(1, 3, in);
            int k = draw(1, 3, in);
            int m = draw(1, 3, in);
            return matmulCase(Shape.of(with(batch.left().dims(), n, k)),
                    Shape.of(with(batch.right().dims(), k, m)), in);
        });
    }

    @Test
    void matmulRank1Operands() {
        check(in -> {
            int k = draw(1, 4, in);
            int m = draw(1, 4, in);
            int[] batch = shapes(0, 1, 1, 3).generate(in).dims();
            Shape matrix = Shape.of(with(batch, k, m));
            Shape matrixT = Shape.of(with(batch, m, k));
            return switch (draw(0, 2, in)) {
                case 0 -> matmulCase(Shape.of(k), matrix, in);   // vector @ (batched) matrix
                case 1 -> matmulCase(matrixT, Shape.of(k), in);  // (batched) matrix @ vector
                default -> matmulCase(Shape.of(k), Shape.of(k), in); // dot product
            };
        });
    }
}
