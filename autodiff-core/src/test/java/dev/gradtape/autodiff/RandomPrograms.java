package dev.gradtape.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Random programs for {@link CompiledStepProperties}: sequences of the public {@link Tensor}
 * operations (add/sub/mul/div with broadcasting, pow, exp, log of positive values, sqrt, tanh,
 * sigmoid, softplus, relu, abs, sin, cos, maximum, minimum, clamp, where, sum/mean/max/logSumExp in
 * full and along axes, reshape, transpose, permute, slice, pad, concat, broadcastTo, matmul incl.
 * batched and transposed, detach, and a user {@link Function}) on random broadcastable shapes,
 * with one to three variables and up to two inputs; every instruction is checked against its
 * shape rule when generated, so every program is valid. The structure is drawn from
 * QuickTheories' randomness source; the numbers (constants, loss weights, every run's values)
 * from a seed drawn with it.
 */
final class RandomPrograms {
    private static final int MAX_ELEMENTS = 96;

    private RandomPrograms() {
    }

    // ------------------------------------------------------------ the programs

    /** The operations a program is made of; each is one call (or a short fixed chain) of Tensor's API. */
    enum Kind {
        ADD, SUB, MUL, DIV, ADD_CONSTANT, MUL_CONSTANT, ADD_TENSOR_CONSTANT, POW, EXP, LOG, SQRT, TANH,
        SIGMOID, SOFTPLUS, RELU, ABS, SIN, COS, MAXIMUM, MINIMUM, CLAMP, WHERE_GREATER, WHERE_VALUE, WHERE_MASK,
        SUM, SUM_AXIS, MEAN, MEAN_AXIS, MAX, MAX_AXIS, LOG_SUM_EXP, LOG_SUM_EXP_AXIS, RESHAPE, TRANSPOSE,
        PERMUTE, SLICE, PAD, CONCAT, BROADCAST_TO, MATMUL, MATMUL_TRANSPOSED, DETACH, USER_FUNCTION
    }

    private static final Kind[] BINARY = {Kind.ADD, Kind.SUB, Kind.MUL, Kind.DIV, Kind.MAXIMUM, Kind.MINIMUM,
        Kind.WHERE_MASK, Kind.MATMUL, Kind.MATMUL_TRANSPOSED, Kind.CONCAT};

    /**
     * One instruction: value {@code args[i]} are its operands (indices into the program's values:
     * variables, then inputs, then the instructions' results), {@code ints} its integer settings
     * (axis, keepDims, permutation, ...), {@code real} a number it bakes in, {@code constant} a
     * constant tensor it uses.
     */
    record Instr(Kind kind, int[] args, int[] ints, double real, Tensor constant) {
        Tensor apply(List<Tensor> v) {
            Tensor a = v.get(args[0]);
            Tensor b = args.length > 1 ? v.get(args[1]) : null;
            return switch (kind) {
                case ADD -> a.add(b);
                case SUB -> a.sub(b);
                case MUL -> a.mul(b);
                case DIV -> a.div(b);
                case ADD_CONSTANT -> a.add(real);
                case MUL_CONSTANT -> a.mul(real);
                case ADD_TENSOR_CONSTANT -> a.add(constant);
                // fractional exponents and log get positive bases; integer exponents any base
                case POW -> real == Math.rint(real) ? a.pow(real) : positive(a).pow(real);
                case EXP -> a.exp();
                case LOG -> positive(a).log();
                case SQRT -> a.abs().sqrt(); // sqrt(0) has an infinite derivative: special runs hit it
                case TANH -> a.tanh();
                case SIGMOID -> a.sigmoid();
                case SOFTPLUS -> a.softplus();
                case RELU -> a.relu();
                case ABS -> a.abs();
                case SIN -> a.sin();
                case COS -> a.cos();
                case MAXIMUM -> a.maximum(b);
                case MINIMUM -> a.minimum(b);
                case CLAMP -> a.clamp(real, real + ints[0] * 0.5);
                case WHERE_GREATER -> Tensor.where(v.get(args[2]).greater(0), a, b);
                case WHERE_VALUE -> Tensor.where(v.get(args[2]), a, b); // the condition is a value itself
                case WHERE_MASK -> Tensor.where(constant, a, b);
                case SUM -> a.sum();
                case SUM_AXIS -> a.sum(ints[0], ints[1] == 1);
                case MEAN -> a.mean();
                case MEAN_AXIS -> a.mean(ints[0], ints[1] == 1);
                case MAX -> a.max();
                case MAX_AXIS -> a.max(ints[0], ints[1] == 1);
                case LOG_SUM_EXP -> a.logSumExp();
                case LOG_SUM_EXP_AXIS -> a.logSumExp(ints[0], ints[1] == 1);
                case RESHAPE -> a.reshape(ints);
                case TRANSPOSE -> a.transpose();
                case PERMUTE -> a.permute(ints);
                case SLICE -> a.slice(ints[0], ints[1], ints[2]);
                case PAD -> a.pad(ints[0], ints[1], ints[2]);
                case CONCAT -> Tensor.concat(ints[0], a, b);
                case BROADCAST_TO -> a.broadcastTo(ints);
                case MATMUL -> a.matmul(b);
                case MATMUL_TRANSPOSED -> a.matmul(b.transpose());
                case DETACH -> a.detach();
                case USER_FUNCTION -> X_SIN_X.apply(a);
            };
        }

        private static Tensor positive(Tensor a) {
            return a.square().add(0.25);
        }

        String describe(int out) {
            return "v" + out + " = " + kind.name().toLowerCase() + Arrays.toString(ints)
                    + (real != 0 ? "[" + real + "]" : "") + (constant != null ? "[const " + constant.shape() + "]" : "")
                    + " of " + Arrays.toString(args);
        }
    }

    /**
     * x sin x, with a forward and a backward that compute on raw arrays ({@code toArray}): opaque
     * to any tape, so a compiled step must call both again on every run.
     */
    static final class XSinX extends Function {
        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].toArray();
            for (int i = 0; i < x.length; i++) x[i] = x[i] * Math.sin(x[i]);
            return Tensor.of(x, in[0].shape());
        }

        @Override
        protected Tensor[] backward(Node node, Tensor g) {
            double[] x = node.input(0).toArray();
            double[] gv = g.toArray();
            for (int i = 0; i < x.length; i++) x[i] = gv[i] * (Math.sin(x[i]) + x[i] * Math.cos(x[i]));
            return new Tensor[] {Tensor.of(x, node.input(0).shape())};
        }
    }

    static final XSinX X_SIN_X = new XSinX();

    /**
     * A generated program: the shapes of its variables and inputs, its instructions, and its loss,
     * the sum over every value no instruction reads of sum(value * weight) with a constant random
     * weight. {@code directions} are the constant v of the second-order target grad(loss) . v, and
     * {@code valueSeed} seeds the values of every run.
     */
    record Program(List<Shape> variables, List<Shape> inputs, List<Instr> instrs, int[] sinks,
            List<Tensor> weights, List<Tensor> directions, long valueSeed) {
        int leafCount() {
            return variables.size() + inputs.size();
        }

        Tensor loss(List<Tensor> leaves) {
            List<Tensor> v = new ArrayList<>(leaves);
            for (Instr i : instrs) {
                v.add(i.apply(v));
            }
            Tensor loss = null;
            for (int k = 0; k < sinks.length; k++) {
                Tensor term = v.get(sinks[k]).mul(weights.get(k)).sum();
                loss = loss == null ? term : loss.add(term);
            }
            return loss;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("program: variables ");
            for (int i = 0; i < variables.size(); i++) sb.append("v").append(i).append(':').append(variables.get(i)).append(' ');
            sb.append("inputs ");
            for (int i = 0; i < inputs.size(); i++) {
                sb.append("v").append(variables.size() + i).append(':').append(inputs.get(i)).append(' ');
            }
            for (int i = 0; i < instrs.size(); i++) sb.append("\n  ").append(instrs.get(i).describe(leafCount() + i));
            return sb.append("\n  loss = sum of sum(w * v) over ").append(Arrays.toString(sinks))
                    .append(", value seed ").append(valueSeed).toString();
        }
    }

    static int draw(RandomnessSource in, int lo, int hi) {
        return Generate.range(lo, hi).generate(in);
    }

    /** Programs with 1 to 3 variables, minInputs to 2 inputs and 1 to 14 instructions. */
    static Gen<Program> programs(int minInputs) {
        Gen<Program> gen = in -> {
            // leaves: a base shape, and for each leaf that shape with leading axes dropped and some
            // dimensions set to 1, so that the leaves broadcast against each other
            int rank = draw(in, 0, 3);
            int[] base = new int[rank];
            for (int i = 0; i < rank; i++) base[i] = draw(in, 1, 4);
            List<Shape> vars = new ArrayList<>();
            List<Shape> inputs = new ArrayList<>();
            int nv = draw(in, 1, 3);
            int ni = draw(in, minInputs, 2);
            for (int i = 0; i < nv + ni; i++) {
                Shape s = broadcastableTo(in, base);
                (i < nv ? vars : inputs).add(s);
            }
            List<Shape> shapes = new ArrayList<>(vars);
            shapes.addAll(inputs);
            List<Instr> instrs = new ArrayList<>();
            long valueSeed = Generate.longRange(Long.MIN_VALUE, Long.MAX_VALUE).generate(in);
            SplittableRandom constants = new SplittableRandom(valueSeed ^ 0x5eedL);
            int n = draw(in, 1, 14);
            for (int k = 0; k < n; k++) {
                for (int attempt = 0; attempt < 20; attempt++) {
                    Instr ins = instruction(in, shapes, constants);
                    Shape out = ins == null ? null : shapeOf(ins, shapes);
                    if (out != null && out.size() > 0 && out.size() <= MAX_ELEMENTS) {
                        instrs.add(ins);
                        shapes.add(out);
                        break;
                    }
                }
            }
            boolean[] read = new boolean[shapes.size()];
            for (Instr i : instrs) for (int a : i.args()) read[a] = true;
            List<Integer> sinks = new ArrayList<>();
            List<Tensor> weights = new ArrayList<>();
            for (int v = 0; v < shapes.size(); v++) {
                if (!read[v]) {
                    sinks.add(v);
                    weights.add(Tensor.randn(constants, shapes.get(v)));
                }
            }
            List<Tensor> directions = new ArrayList<>();
            for (Shape s : vars) directions.add(Tensor.randn(constants, s));
            return new Program(vars, inputs, instrs, sinks.stream().mapToInt(Integer::intValue).toArray(),
                    weights, directions, valueSeed);
        };
        return gen.describedAs(Program::toString);
    }

    private static Shape broadcastableTo(RandomnessSource in, int[] base) {
        int drop = draw(in, 0, base.length);
        int[] d = new int[base.length - drop];
        for (int i = 0; i < d.length; i++) d[i] = draw(in, 0, 2) == 0 ? 1 : base[i + drop];
        return Shape.of(d);
    }

    /** The result shape of {@code ins} on values of the given shapes, or null if it is invalid. */
    private static Shape shapeOf(Instr ins, List<Shape> shapes) {
        List<Tensor> dummies = new ArrayList<>();
        for (Shape s : shapes) dummies.add(Tensor.zeros(s));
        try {
            return ins.apply(dummies).shape();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Picks an operand, recent values more often than old ones. */
    private static int operand(RandomnessSource in, int count) {
        return draw(in, 0, 1) == 0 ? draw(in, Math.max(0, count - 3), count - 1) : draw(in, 0, count - 1);
    }

    /** A random instruction on the values of the given shapes, or null if none fits. */
    private static Instr instruction(RandomnessSource in, List<Shape> shapes, SplittableRandom constants) {
        Kind[] kinds = Kind.values();
        Kind kind = kinds[draw(in, 0, kinds.length - 1)];
        int count = shapes.size();
        int a = operand(in, count);
        Shape s = shapes.get(a);
        int r = s.rank();
        int[] none = {};
        switch (kind) {
            case ADD_CONSTANT, MUL_CONSTANT -> {
                double[] cs = {-1.5, -0.0, 0.0, 0.5, 2.0};
                return new Instr(kind, new int[] {a}, none, cs[draw(in, 0, cs.length - 1)], null);
            }
            case POW -> {
                double[] ps = {0, 1, 2, 3, -1, -2, 0.5, 1.5, 2.5};
                return new Instr(kind, new int[] {a}, none, ps[draw(in, 0, ps.length - 1)], null);
            }
            case CLAMP -> {
                double[] los = {-1, -0.5, 0};
                return new Instr(kind, new int[] {a}, new int[] {draw(in, 0, 3)}, los[draw(in, 0, 2)], null);
            }
            case ADD_TENSOR_CONSTANT -> {
                int[] d = s.dims();
                for (int i = 0; i < d.length; i++) if (draw(in, 0, 2) == 0) d[i] = 1;
                return new Instr(kind, new int[] {a}, none, 0, Tensor.randn(constants, Shape.of(d)));
            }
            case WHERE_GREATER, WHERE_VALUE -> {
                int b = partner(in, kind, a, shapes, constants);
                int c = operand(in, count);
                Instr ins = new Instr(kind, new int[] {a, b < 0 ? a : b, c}, none, 0, null);
                return shapeOf(ins, shapes) != null ? ins : new Instr(kind, new int[] {a, a, a}, none, 0, null);
            }
            case SUM_AXIS, MEAN_AXIS, MAX_AXIS, LOG_SUM_EXP_AXIS -> {
                if (r == 0) return null;
                return new Instr(kind, new int[] {a}, new int[] {draw(in, -r, r - 1), draw(in, 0, 1)}, 0, null);
            }
            case RESHAPE -> {
                int[] d = s.dims();
                int how = draw(in, 0, 2);
                if (how == 0) {
                    return new Instr(kind, new int[] {a}, new int[] {-1}, 0, null);
                } else if (how == 1) {
                    int[] rev = new int[d.length];
                    for (int i = 0; i < d.length; i++) rev[i] = d[d.length - 1 - i];
                    return new Instr(kind, new int[] {a}, rev, 0, null);
                }
                if (r >= 4) return null;
                int at = draw(in, 0, r);
                int[] e = new int[r + 1];
                for (int i = 0, j = 0; i <= r; i++) e[i] = i == at ? 1 : d[j++];
                return new Instr(kind, new int[] {a}, e, 0, null);
            }
            case TRANSPOSE -> {
                return r < 2 ? null : new Instr(kind, new int[] {a}, none, 0, null);
            }
            case PERMUTE -> {
                if (r == 0) return null;
                int[] p = new int[r];
                for (int i = 0; i < r; i++) p[i] = i;
                for (int i = r - 1; i > 0; i--) {
                    int j = draw(in, 0, i);
                    int t = p[i];
                    p[i] = p[j];
                    p[j] = t;
                }
                if (draw(in, 0, 1) == 0) p[0] -= r; // a negative axis
                return new Instr(kind, new int[] {a}, p, 0, null);
            }
            case SLICE -> {
                if (r == 0) return null;
                int ax = draw(in, 0, r - 1);
                int len = s.dim(ax);
                int start = draw(in, 0, len - 1);
                return new Instr(kind, new int[] {a}, new int[] {ax, start, draw(in, start + 1, len)}, 0, null);
            }
            case PAD -> {
                if (r == 0) return null;
                return new Instr(kind, new int[] {a}, new int[] {draw(in, -r, r - 1), draw(in, 0, 2), draw(in, 0, 2)}, 0, null);
            }
            case BROADCAST_TO -> {
                int[] d = s.dims();
                for (int i = 0; i < d.length; i++) if (d[i] == 1) d[i] = draw(in, 1, 3);
                if (r < 3 && draw(in, 0, 1) == 0) {
                    int[] e = new int[r + 1];
                    e[0] = draw(in, 1, 3);
                    System.arraycopy(d, 0, e, 1, r);
                    d = e;
                }
                return new Instr(kind, new int[] {a}, d, 0, null);
            }
            default -> {
                if (Arrays.asList(BINARY).contains(kind)) {
                    int b = partner(in, kind, a, shapes, constants);
                    return b < 0 ? null : binary(in, kind, a, b, shapes, constants);
                }
                return new Instr(kind, new int[] {a}, none, 0, null); // unary and full reductions
            }
        }
    }

    /** A second operand for {@code kind} with {@code a}, tried in random order, or -1. */
    private static int partner(RandomnessSource in, Kind kind, int a, List<Shape> shapes, SplittableRandom constants) {
        int count = shapes.size();
        int first = operand(in, count);
        for (int k = 0; k < count; k++) {
            int b = (first + k) % count;
            Instr ins = binary(in, kind == Kind.WHERE_GREATER || kind == Kind.WHERE_VALUE ? Kind.ADD : kind, a, b, shapes, constants);
            if (ins != null && shapeOf(ins, shapes) != null) {
                return b;
            }
        }
        return -1;
    }

    private static Instr binary(RandomnessSource in, Kind kind, int a, int b, List<Shape> shapes,
            SplittableRandom constants) {
        Shape s = shapes.get(a);
        if (kind == Kind.CONCAT) {
            Shape t = shapes.get(b);
            if (s.rank() == 0 || t.rank() != s.rank()) return null;
            for (int ax = 0; ax < s.rank(); ax++) {
                Instr ins = new Instr(kind, new int[] {a, b}, new int[] {ax}, 0, null);
                if (shapeOf(ins, shapes) != null) return ins;
            }
            return null;
        }
        if (kind == Kind.WHERE_MASK) {
            Shape out;
            try {
                out = Shape.broadcast("where", s, shapes.get(b));
            } catch (IllegalArgumentException e) {
                return null;
            }
            int[] d = out.dims();
            for (int i = 0; i < d.length; i++) if (draw(in, 0, 2) == 0) d[i] = 1;
            double[] mask = new double[Shape.of(d).size()];
            for (int i = 0; i < mask.length; i++) mask[i] = constants.nextBoolean() ? 1 : 0;
            return new Instr(kind, new int[] {a, b}, new int[0], 0, Tensor.of(mask, d));
        }
        if (kind == Kind.MATMUL_TRANSPOSED && shapes.get(b).rank() < 2) return null;
        return new Instr(kind, new int[] {a, b}, new int[0], 0, null);
    }

    // ------------------------------------------------------------ values

    /** +-0, NaN (one with a payload), +-infinity, subnormals and the extremes. */
    static final double[] SPECIALS = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8_0000_dead_beefL),
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MIN_NORMAL / 4, -1e-310, Double.MAX_VALUE, -Double.MAX_VALUE};

    /** Values in [-2, 2]; with {@code special}, about a third of them replaced by special values. */
    static Tensor values(SplittableRandom rng, Shape s, boolean special) {
        double[] d = new double[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = special && rng.nextInt(3) == 0 ? SPECIALS[rng.nextInt(SPECIALS.length)] : rng.nextDouble(-2, 2);
        }
        return Tensor.of(d, s);
    }
}
