package dev.gradtape.autodiff;

import dev.gradtape.autodiff.kernels.Kernel;
import dev.gradtape.autodiff.kernels.Unary;

/**
 * Elementwise primitives of one tensor ({@link Tanh} has a file of its own), and the fused
 * gradient ops their backward rules use. Each class comment gives the derivative and, where the
 * function is not differentiable, the value the backward uses there.
 */
final class UnaryOps {
    private UnaryOps() {
    }

    /** An op whose output has its (first) input's shape, run by a fixed kernel. */
    abstract static class Elementwise extends Op {
        private final String name;
        private final Kernel kernel;

        Elementwise(String name, Kernel kernel) {
            this.name = name;
            this.kernel = kernel;
        }

        @Override
        final String name() {
            return name;
        }

        @Override
        Shape shape(Shape[] in) {
            return in[0];
        }

        @Override
        final Kernel kernel(Shape[] in, Shape out) {
            return kernel;
        }
    }

    /** e^x. d/dx = e^x, the output itself. */
    static final Op EXP = new Elementwise("exp", Unary.EXP) {
        @Override
        String rule(int input) {
            return "{g} * {y}";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.output())};
        }
    };

    /** Natural logarithm. d/dx = 1 / x. Defined for x > 0; log(0) = -infinity. */
    static final Op LOG = new Elementwise("log", Unary.LOG) {
        @Override
        String rule(int input) {
            return "{g} / {0}";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.div(node.input(0))};
        }
    };

    /** Square root. d/dx = 1 / (2 sqrt(x)), from the output; infinite at 0. */
    static final Op SQRT = new Elementwise("sqrt", Unary.SQRT) {
        @Override
        String rule(int input) {
            return "{g} / (2 * {y})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.div(node.output().mul(2.0))};
        }
    };

    /** sin x. d/dx = cos x. */
    static final Op SIN = new Elementwise("sin", Unary.SIN) {
        @Override
        String rule(int input) {
            return "{g} * cos({0})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).cos())};
        }
    };

    /** cos x. d/dx = -sin x. */
    static final Op COS = new Elementwise("cos", Unary.COS) {
        @Override
        String rule(int input) {
            return "{g} * -sin({0})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).sin().neg())};
        }
    };

    /**
     * The logistic function s = 1 / (1 + e^-x). d/dx = s (1 - s), from the output. A primitive
     * for stability: the kernel never evaluates e^x for large positive x.
     */
    static final Op SIGMOID = new Elementwise("sigmoid", Unary.SIGMOID) {
        @Override
        String rule(int input) {
            return "{g} * {y} * (1 - {y})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            Tensor s = node.output();
            return new Tensor[] {g.mul(s.mul(s.neg().add(1.0)))};
        }
    };

    /**
     * softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows.
     * d/dx = sigmoid(x). A primitive because a composition of relu and abs would give the wrong
     * derivative (0 instead of 1/2) at x = 0.
     */
    static final Op SOFTPLUS = new Elementwise("softplus", Unary.SOFTPLUS) {
        @Override
        String rule(int input) {
            return "{g} * sigmoid({0})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).sigmoid())};
        }
    };

    /**
     * max(x, 0). d/dx = 1 for x > 0, 0 for x < 0, and 0 at the kink x = 0 (as PyTorch). The
     * backward is the selection {@link #RELU_GRAD}, so a NaN input passes its gradient through
     * (a NaN is never hidden) and an infinite gradient at x <= 0 gives 0, not NaN.
     */
    static final Op RELU = new Elementwise("relu", Unary.RELU) {
        @Override
        String rule(int input) {
            return "{g} where {0} > 0, else 0";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {RELU_GRAD.apply(g, node.input(0))};
        }
    };

    /**
     * relu's gradient, r = g where x > 0 or x is NaN, else 0, for the incoming gradient g and
     * relu's input x (of equal shapes). Linear in g, so dr/dg is this op again; x only selects,
     * so it gets no gradient.
     */
    static final Op RELU_GRAD = new Elementwise("reluGrad", Unary.RELU_GRAD) {
        @Override
        String rule(int input) {
            return input == 0 ? "{g} where {1} > 0, else 0" : "nothing (it only selects)";
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.sameShape("reluGrad", in[0], in[1]);
        }

        @Override
        boolean sendsGradient(int input) {
            return input == 0;
        }

        @Override
        Tensor[] backward(Node node, Tensor gg) {
            return new Tensor[] {apply(gg, node.input(1)), null};
        }
    };

    /** |x|. d/dx = sign(x), and 0 at the kink x = 0 (as PyTorch). */
    static final Op ABS = new Elementwise("abs", Unary.ABS) {
        @Override
        String rule(int input) {
            return "{g} * sign({0})";
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {g.mul(node.input(0).sign())};
        }
    };

    /**
     * The sign of each element, -1, 0 or 1 (NaN stays NaN). Not differentiable; recorded so that
     * a compiled step recomputes it.
     */
    static final Op SIGN = new Elementwise("sign", Unary.SIGN) {
        @Override
        String rule(int input) {
            return "nothing (sign is flat)";
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {null};
        }
    };

    /**
     * stop_gradient: the identity, through which no gradient flows back ({@link Tensor#detach}).
     * Recorded so that a compiled step recomputes the value.
     */
    static final Op STOP_GRADIENT = new Elementwise("detach", Unary.COPY) {
        @Override
        String rule(int input) {
            return "nothing (detached)";
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {null};
        }
    };

    /**
     * x^p for a constant p. d/dx = p x^(p-1), the fused op {@link PowGrad}. At x = 0 with p < 1
     * the derivative is infinite; with p = 0 it is 0 everywhere.
     */
    static final class Pow extends Op {
        private final double p;

        Pow(double p) {
            this.p = p;
        }

        @Override
        String name() {
            return "pow";
        }

        @Override
        Shape shape(Shape[] in) {
            return in[0];
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.pow(p);
        }

        @Override
        Tensor[] backward(Node node, Tensor g) {
            return new Tensor[] {new PowGrad(p).apply(g, node.input(0))};
        }

        @Override
        String rule(int input) {
            return "{g} * " + p + " * {0}^" + (p - 1);
        }

        @Override
        public String toString() {
            return "pow[" + p + "]";
        }
    }

    /**
     * pow's gradient as one op, r = g p x^(p-1), exactly 0 for p = 0 (so 0 * infinity never
     * turns into NaN at x = 0). Its derivatives: dr/dg = p x^(p-1) (this op again) and
     * dr/dx = g p (p-1) x^(p-2) = p * PowGrad(p-1)(g gg, x), which is 0 for p = 1.
     */
    static final class PowGrad extends Op {
        private final double p;

        PowGrad(double p) {
            this.p = p;
        }

        @Override
        String name() {
            return "powGrad";
        }

        @Override
        Shape shape(Shape[] in) {
            return Shape.sameShape("powGrad", in[0], in[1]);
        }

        @Override
        Kernel kernel(Shape[] in, Shape out) {
            return Unary.powGrad(p);
        }

        @Override
        String rule(int input) {
            return input == 0 ? "{g} * " + p + " * {1}^" + (p - 1) : "{g} * {0} * " + p + " * " + (p - 1)
                    + " * {1}^" + (p - 2);
        }

        @Override
        Tensor[] backward(Node node, Tensor gg) {
            if (p == 0) {
                return new Tensor[] {null, null};
            }
            Tensor g = node.input(0);
            Tensor x = node.input(1);
            return new Tensor[] {
                node.needsGradient(0) ? apply(gg, x) : null,
                node.needsGradient(1) && p != 1 ? new PowGrad(p - 1).apply(gg.mul(g), x).mul(p) : null};
        }

        @Override
        public String toString() {
            return "powGrad[" + p + "]";
        }
    }
}
