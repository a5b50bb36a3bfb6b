package dev.gradtape.autodiff;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The bodies of {@link Tensor}'s factories, readers and composite operations, so that the facade
 * stays a list of one-line delegations with their documentation.
 */
final class Tensors {
    private Tensors() {
    }

    static Tensor of(double[] data, int... shape) {
        Objects.requireNonNull(data, "Tensor.of: data is null");
        Shape s = Shape.of(shape);
        if (data.length != s.size()) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values cannot fill shape "
                    + s + ", which holds " + s.size() + "; pass exactly " + s.size() + " values");
        }
        return new Tensor(s, data.clone());
    }

    static Tensor of(double[] data, Shape shape) {
        Objects.requireNonNull(data, "Tensor.of: data is null");
        Objects.requireNonNull(shape, "Tensor.of: shape is null");
        if (data.length != shape.size()) {
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values cannot fill shape "
                    + shape + ", which holds " + shape.size() + "; pass exactly " + shape.size() + " values");
        }
        return new Tensor(shape, data.clone());
    }

    static Tensor matrix(double[][] rows) {
        int n = rows.length;
        int m = n == 0 ? 0 : rows[0].length;
        double[] d = new double[n * m];
        for (int i = 0; i < n; i++) {
            if (rows[i].length != m) {
                throw new IllegalArgumentException("Tensor.matrix: row " + i + " has " + rows[i].length
                        + " values but row 0 has " + m + "; rows must have equal length");
            }
            System.arraycopy(rows[i], 0, d, i * m, m);
        }
        return new Tensor(Shape.of(n, m), d);
    }

    static Tensor full(double value, Shape shape) {
        double[] d = new double[shape.size()];
        Arrays.fill(d, value);
        return new Tensor(shape, d);
    }

    static Tensor arange(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("Tensor.arange: n = " + n + "; need n >= 0");
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return Tensor.of(d, n);
    }

    static Tensor randn(RandomGenerator rng, int... shape) {
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Tensor(s, d);
    }

    static Tensor randn(RandomGenerator rng, Shape shape) {
        Objects.requireNonNull(rng, "Tensor.randn: rng is null");
        double[] d = new double[shape.size()];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Tensor(shape, d);
    }

    static Tensor linspace(double start, double end, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("Tensor.linspace: count = " + count + "; need count >= 0");
        }
        if (!Double.isFinite(end - start)) {
            throw new IllegalArgumentException("Tensor.linspace: the end points " + start + " and " + end
                    + " must be finite, and so must their difference");
        }
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            d[i] = count == 1 ? start : i == count - 1 ? end : start + i * (end - start) / (count - 1);
        }
        return new Tensor(Shape.of(count), d);
    }

    static Tensor uniform(RandomGenerator rng, double lo, double hi, int... shape) {
        if (!(lo < hi) || !Double.isFinite(hi - lo)) {
            throw new IllegalArgumentException("Tensor.uniform: the range [" + lo + ", " + hi
                    + ") is empty or infinite; need finite lo < hi");
        }
        Shape s = Shape.of(shape);
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextDouble();
        return new Tensor(s, d);
    }

    static void copyTo(Tensor t, double[] destination) {
        Objects.requireNonNull(destination, "Tensor.copyTo: destination is null");
        if (destination.length != t.data.length) {
            throw new IllegalArgumentException("Tensor.copyTo: a tensor of shape " + t.shape + " has "
                    + t.data.length + " elements but the destination holds " + destination.length);
        }
        System.arraycopy(t.data, 0, destination, 0, t.data.length);
    }

    static double item(Tensor t) {
        if (t.data.length != 1) {
            throw new IllegalStateException("Tensor.item: the tensor has shape " + t.shape + " ("
                    + t.data.length + " elements); item() needs exactly one element");
        }
        return t.data[0];
    }

    static double get(Tensor t, int... index) {
        if (index.length != t.shape.rank()) {
            throw new IllegalArgumentException("Tensor.get: " + index.length + " coordinates for a"
                    + " tensor of shape " + t.shape + "; give one per axis");
        }
        int flat = 0;
        int[] d = t.shape.dimsUnsafe();
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= d[i]) {
                throw new IndexOutOfBoundsException("Tensor.get: index " + Arrays.toString(index)
                        + " is outside shape " + t.shape);
            }
            flat = flat * d[i] + index[i];
        }
        return t.data[flat];
    }

    static boolean allClose(Tensor t, Tensor other, double rtol, double atol) {
        if (!t.shape.equals(other.shape)) {
            return false;
        }
        for (int i = 0; i < t.data.length; i++) {
            if (!(Math.abs(t.data[i] - other.data[i]) <= atol + rtol * Math.abs(other.data[i]))) {
                return false;
            }
        }
        return true;
    }

    static Tensor sub(Tensor t, Tensor other) {
        Shape.broadcast("sub", t.shape, other.shape); // so that a mismatch is reported as sub's
        return t.add(other.neg());
    }

    static Tensor maximum(Tensor t, Tensor other) {
        Shape.broadcast("maximum", t.shape, other.shape);
        return Tensor.where(ElementwiseOps.Compare.MAX_TAKES_A.apply(t, other), t, other);
    }

    static Tensor minimum(Tensor t, Tensor other) {
        Shape.broadcast("minimum", t.shape, other.shape);
        return Tensor.where(ElementwiseOps.Compare.MIN_TAKES_A.apply(t, other), t, other);
    }

    static Tensor clamp(Tensor t, double lo, double hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: lower bound " + lo + " is above upper bound "
                    + hi + "; need lo <= hi");
        }
        return t.maximum(lo).minimum(hi);
    }
}
