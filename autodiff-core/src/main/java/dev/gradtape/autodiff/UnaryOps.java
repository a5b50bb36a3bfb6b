package dev.gradtape.autodiff;

/**
 * Elementwise primitives of one tensor. Each class comment gives the derivative and, where the
 * function is not differentiable, the value the backward uses there.
 */
final class UnaryOps {
    private UnaryOps() {
    }

    /** x^p for a constant p. d/dx = p x^(p-1). At x = 0 with p < 1 the derivative is infinite. */
    static final class Pow extends Primitive {
        private final double p;

        Pow(double p) {
            this.p = p;
        }

        @Override
        public String name() {
            return "pow";
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.POW, p);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            if (p == 2) {
                for (int i = 0; i < x.length; i++) r[i] = x[i] * x[i];
            } else {
                for (int i = 0; i < x.length; i++) r[i] = Math.pow(x[i], p);
            }
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor dx = p == 2 ? input(0).mul(2.0) : input(0).pow(p - 1).mul(p);
            return new Tensor[] {g.mul(dx)};
        }
    }

    /** e^x. d/dx = e^x, the output itself. */
    static final class Exp extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.EXP);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.exp(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(output())};
        }
    }

    /** Natural logarithm. d/dx = 1 / x. Defined for x > 0; log(0) = -infinity. */
    static final class Log extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.LOG);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.log(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div(input(0))};
        }
    }

    /** Square root. d/dx = 1 / (2 sqrt(x)), infinite at 0. */
    static final class Sqrt extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.SQRT);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.sqrt(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.div(output().mul(2.0))};
        }
    }

    /** Hyperbolic tangent. d/dx = 1 - tanh(x)^2, from the output. */
    static final class Tanh extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.TANH);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.tanh(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(output().square().neg().add(1.0))};
        }
    }

    /**
     * The logistic function 1 / (1 + e^-x). d/dx = s (1 - s) with s the output. A primitive for
     * stability: the forward never evaluates e^x for large positive x.
     */
    static final class Sigmoid extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.SIGMOID);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = sigmoid(x[i]);
            return new Tensor(in[0].shape, r);
        }

        static double sigmoid(double x) {
            if (x >= 0) {
                return 1.0 / (1.0 + Math.exp(-x));
            }
            double e = Math.exp(x);
            return e / (1.0 + e);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor s = output();
            return new Tensor[] {g.mul(s.mul(s.neg().add(1.0)))};
        }
    }

    /**
     * softplus(x) = log(1 + e^x), computed as max(x, 0) + log1p(e^-|x|) so it never overflows.
     * d/dx = sigmoid(x). A primitive because a composition of relu and abs would give the wrong
     * derivative (0 instead of 1/2) at x = 0.
     */
    static final class Softplus extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.SOFTPLUS);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                r[i] = Math.max(x[i], 0.0) + Math.log1p(Math.exp(-Math.abs(x[i])));
            }
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(input(0).sigmoid())};
        }
    }

    /**
     * max(x, 0). d/dx = 1 for x > 0, 0 for x < 0, and 0 at the kink x = 0 (as PyTorch). A NaN input
     * gives a NaN output, and its gradient passes through unmasked, so a NaN is never hidden.
     * Both loops are branch-free: on data of random sign a branch mispredicts half the time, which
     * made relu a quarter of a dense layer's time.
     */
    static final class Relu extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.RELU);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.max(x[i], 0.0);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            double[] x = input(0).data;
            double[] mask = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                // 1 when x > 0 (or NaN), 0 when x <= 0: the sign bit of -(x + 0.0), where adding
                // 0.0 turns -0.0 into +0.0
                mask[i] = -Double.doubleToRawLongBits(x[i] + 0.0) >>> 63;
            }
            return new Tensor[] {g.mul(new Tensor(input(0).shape, mask))};
        }
    }

    /** |x|. d/dx = sign(x), and 0 at the kink x = 0 (as PyTorch). */
    static final class Abs extends Primitive {
        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.ABS);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.abs(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {g.mul(input(0).sign())};
        }
    }

    /**
     * The sign of each element, -1, 0 or 1 (NaN stays NaN). Not differentiable; recorded so that a
     * {@link Replay} recomputes it.
     */
    static final class Sign extends Primitive {
        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Unary(ReplayKernels.UnaryKind.SIGN);
        }

        @Override
        protected Tensor forward(Tensor... in) {
            double[] x = in[0].data;
            double[] r = new double[x.length];
            for (int i = 0; i < x.length; i++) r[i] = Math.signum(x[i]);
            return new Tensor(in[0].shape, r);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {null};
        }
    }

    /**
     * stop_gradient: the identity, through which no gradient flows back ({@link Tensor#detach}
     * under a tape). Recorded so that a {@link Replay} recomputes the value.
     */
    static final class StopGradient extends Primitive {
        @Override
        public String name() {
            return "detach";
        }

        @Override
        boolean sendsGradient(int input) {
            return false;
        }

        @Override
        ReplayKernel replayKernel() {
            return new ReplayKernels.Copy();
        }

        @Override
        protected Tensor forward(Tensor... in) {
            return new Tensor(in[0].shape, in[0].data); // immutable, so shared
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            return new Tensor[] {null};
        }
    }
}
