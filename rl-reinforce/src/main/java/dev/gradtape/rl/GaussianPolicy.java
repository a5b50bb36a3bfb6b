package dev.gradtape.rl;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.NoRecording;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializer;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.Layer;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A Gaussian actor: a network body maps an observation s to features, a linear head gives the
 * mean mu(s), and sigma(s) comes either from a softplus head (the article's design) or from a
 * state-independent log-std parameter (the design of Spinning Up, CleanRL and Stable-Baselines3).
 * Actions are a = mu(s) + sigma(s) * xi, xi ~ N(0, I), with independent action elements.
 *
 * <pre>
 *     features = body(s * observationScale)
 *     mu       = features W_mu + b_mu
 *     sigma    = floor + softplus(features W_sigma + b_sigma)     (softplus head)
 *     sigma    = floor + exp(logStd)                              (state-independent)
 * </pre>
 *
 * The optional floor is added, not clamped, so sigma keeps a gradient everywhere. The policy is
 * a {@link Layer}: {@link #forward} gives the mean, {@link #parameters} lists the body's
 * parameters under "body.", then "mu.kernel", "mu.bias", and "sigma.kernel", "sigma.bias" or
 * "logStd".
 */
public final class GaussianPolicy implements Layer {
    /** The article's sigma-head bias: softplus(0.55) = 1.0055. */
    public static final double ARTICLE_SIGMA_BIAS = 0.55;
    /** The bias with softplus(b) = 1 exactly: ln(e - 1) = 0.5413. */
    public static final double UNIT_SIGMA_BIAS = Math.log(Math.E - 1);

    private final Layer body;
    private final int observationSize;
    private final int actionSize;
    private final Dense muHead;
    private final Dense sigmaHead;
    private final Parameter logStd;
    private final double sigmaFloor;
    private final Tensor observationScale;
    private final List<Parameter> parameters;

    private GaussianPolicy(Builder b, RandomGenerator rng) {
        this.body = b.body;
        this.observationSize = b.observationSize;
        this.actionSize = b.actionSize;
        this.muHead = new Dense(b.featureSize, actionSize, b.muKernelInit, Initializers.zeros(), rng);
        if (b.stateIndependent) {
            this.sigmaHead = null;
            this.logStd = new Parameter("logStd", Tensor.full(Math.log(b.initialStd), actionSize));
        } else {
            this.sigmaHead = new Dense(b.featureSize, actionSize, Initializers.zeros(),
                    Initializers.constant(b.sigmaBias), rng);
            this.logStd = null;
        }
        this.sigmaFloor = b.sigmaFloor;
        this.observationScale = b.observationScale == null ? null : Tensor.vector(b.observationScale);
        List<Parameter> ps = new ArrayList<>();
        for (Parameter p : body.parameters()) {
            ps.add(p.prefixed("body"));
        }
        for (Parameter p : muHead.parameters()) {
            ps.add(p.prefixed("mu"));
        }
        if (sigmaHead != null) {
            for (Parameter p : sigmaHead.parameters()) {
                ps.add(p.prefixed("sigma"));
            }
        } else {
            ps.add(logStd);
        }
        this.parameters = List.copyOf(ps);
    }

    /** {@return a builder; see {@link Builder} for the required and optional settings} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The article's actor exactly: input 1 -> Dense(5, ReLU, He-normal) -> Dense(5, ReLU,
     * He-normal) -> mu = Dense(1) and sigma = softplus(Dense(1)); hidden biases 0, head kernels 0,
     * mu bias 0, sigma bias {@code sigmaBias} ({@link #ARTICLE_SIGMA_BIAS} in the article,
     * {@link #UNIT_SIGMA_BIAS} for sigma = 1 exactly).
     *
     * @param seed the seed of the He-normal draws
     * @param sigmaBias the sigma head's initial bias, so that sigma starts at softplus(sigmaBias)
     * @return the article's actor
     */
    public static GaussianPolicy article(long seed, double sigmaBias) {
        return article(seed, sigmaBias, 0.0);
    }

    /**
     * {@link #article(long, double)} with a floor added to sigma, which the article lacks (its
     * sigma can collapse toward 0).
     *
     * @param seed the seed of the He-normal draws
     * @param sigmaBias the sigma head's initial bias
     * @param sigmaFloor the floor added to sigma, at least 0
     * @return the article's actor with a sigma floor
     */
    public static GaussianPolicy article(long seed, double sigmaBias, double sigmaFloor) {
        SplittableRandom rng = new SplittableRandom(seed);
        Layer body = new Sequential(
                new Dense(1, 5, Initializers.heNormal(), Initializers.zeros(), rng), new ReLU(),
                new Dense(5, 5, Initializers.heNormal(), Initializers.zeros(), rng), new ReLU());
        return builder().setBody(body, 1, 5).setActionSize(1).optSoftplusSigma(sigmaBias)
                .optSigmaFloor(sigmaFloor).build(rng);
    }

    /**
     * {@link #article(long, double)} with the article's sigma bias 0.55.
     *
     * @param seed the seed of the He-normal draws
     * @return the article's actor
     */
    public static GaussianPolicy article(long seed) {
        return article(seed, ARTICLE_SIGMA_BIAS);
    }

    /**
     * A ReLU multilayer perceptron body, in -> hidden[0] -> ... -> hidden[k-1], each layer
     * orthogonally initialised with gain sqrt(2) and zero bias (the usual policy-gradient choice).
     *
     * @param in the observation size
     * @param hidden the width of each hidden layer, first to last
     * @param rng the source of the orthogonal initialisations
     * @return the body, mapping (batch, in) to (batch, hidden[k-1])
     */
    public static Sequential reluBody(int in, int[] hidden, RandomGenerator rng) {
        List<Layer> layers = new ArrayList<>();
        int width = in;
        for (int h : hidden) {
            layers.add(new Dense(width, h, new OrthogonalInitializer(Math.sqrt(2)), Initializers.zeros(), rng));
            layers.add(new ReLU());
            width = h;
        }
        return new Sequential(layers);
    }

    // ---------------------------------------------------------------- the distribution

    /**
     * The mean and standard deviation for a batch of observations, recorded on any open tape.
     *
     * @param observations shape (batch, observationSize)
     * @return mean of shape (batch, actionSize); std of shape (batch, actionSize) for a softplus
     *     head or (actionSize) for a state-independent one (it broadcasts)
     */
    public Distribution distribution(Tensor observations) {
        Tensor features = features(observations);
        Tensor mu = muHead.forward(features);
        Tensor sigma = sigmaHead != null ? sigmaHead.forward(features).softplus() : logStd.value().exp();
        if (sigmaFloor > 0) {
            sigma = sigma.add(sigmaFloor);
        }
        return new Distribution(mu, sigma);
    }

    /** The mean action for a batch of observations: shape (batch, actionSize). */
    @Override
    public Tensor forward(Tensor observations) {
        return muHead.forward(features(observations));
    }

    private Tensor features(Tensor observations) {
        if (observations.rank() != 2 || observations.shape().dim(1) != observationSize) {
            throw new IllegalArgumentException("GaussianPolicy: observations of shape "
                    + observations.shape() + "; expected (batch, " + observationSize + ")");
        }
        return body.forward(observationScale == null ? observations : observations.mul(observationScale));
    }

    /**
     * Samples actions mu + sigma * xi for a batch of observations, xi drawn from {@code rng} in
     * row-major order. Nothing is recorded, even inside an open tape: the sample is data, not
     * part of the loss.
     *
     * @param observations shape (batch, observationSize)
     * @param rng the source of the noise xi
     * @return shape (batch, actionSize)
     */
    public Tensor sample(Tensor observations, RandomGenerator rng) {
        try (NoRecording off = GradientTape.noRecording()) {
            Distribution d = distribution(observations);
            Tensor xi = Tensor.randn(rng, observations.shape().dim(0), actionSize);
            return d.mean().add(d.std().mul(xi));
        }
    }

    /**
     * Samples actions mu + sigma * xi for a batch of observations, row i's noise drawn from
     * {@code rowNoise[i]} (actionSize draws, in element order). A row's action then depends only
     * on its observation and its own generator, not on which other rows share the forward pass,
     * so episodes run side by side, on any number of threads, give the same actions. Nothing is
     * recorded on any tape.
     *
     * @param observations shape (batch, observationSize)
     * @param rowNoise one generator per row, each advanced by actionSize draws
     * @return shape (batch, actionSize)
     * @throws IllegalArgumentException if there is not one generator per row
     */
    public Tensor sample(Tensor observations, RandomGenerator[] rowNoise) {
        Objects.requireNonNull(rowNoise, "GaussianPolicy.sample: rowNoise is null");
        int rows = observations.rank() == 2 ? observations.shape().dim(0) : -1;
        if (rowNoise.length != rows) {
            throw new IllegalArgumentException("GaussianPolicy.sample: " + rowNoise.length
                    + " generators for observations of shape " + observations.shape()
                    + "; give one generator per row");
        }
        double[] xi = new double[rows * actionSize];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < actionSize; j++) {
                xi[i * actionSize + j] = rowNoise[i].nextGaussian();
            }
        }
        try (NoRecording off = GradientTape.noRecording()) {
            Distribution d = distribution(observations);
            return d.mean().add(d.std().mul(Tensor.of(xi, rows, actionSize)));
        }
    }

    /**
     * Samples one action for one observation.
     *
     * @param observation of length observationSize
     * @param rng the source of the noise
     * @return the action, of length actionSize
     */
    public double[] sample(double[] observation, RandomGenerator rng) {
        return sample(row(observation), rng).toArray();
    }

    /**
     * The mean action mu(s) for one observation: the greedy action used for evaluation (not
     * recorded on any tape).
     *
     * @param observation of length observationSize
     * @return mu(s), of length actionSize
     */
    public double[] meanAction(double[] observation) {
        return meanActions(row(observation)).toArray();
    }

    /**
     * The mean actions for a batch of observations, not recorded on any tape: (batch, actionSize).
     *
     * @param observations shape (batch, observationSize)
     * @return mu for every row, shape (batch, actionSize)
     */
    public Tensor meanActions(Tensor observations) {
        try (NoRecording off = GradientTape.noRecording()) {
            return forward(observations);
        }
    }

    /**
     * log pi(a | s) for a batch, one value per row: shape (batch).
     *
     * @param observations shape (batch, observationSize)
     * @param actions shape (batch, actionSize), constants
     * @param variant exact, or the article's log(pdf + 1e-5)
     * @return log pi(a | s) for every row, recorded on the open tapes
     */
    public Tensor logProbability(Tensor observations, Tensor actions, LogDensity variant) {
        Distribution d = distribution(observations);
        return GaussianLoss.logProbability(actions, d.mean(), d.std(), variant);
    }

    private Tensor row(double[] observation) {
        Objects.requireNonNull(observation, "GaussianPolicy: observation is null");
        if (observation.length != observationSize) {
            throw new IllegalArgumentException("GaussianPolicy: an observation of length "
                    + observation.length + " " + Arrays.toString(observation) + "; this policy takes "
                    + observationSize);
        }
        return Tensor.of(observation, 1, observationSize);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /** {@return the length of an observation} */
    public int observationSize() {
        return observationSize;
    }

    /** {@return the length of an action} */
    public int actionSize() {
        return actionSize;
    }

    /** {@return true if sigma is a state-independent parameter rather than a softplus head} */
    public boolean stateIndependentSigma() {
        return logStd != null;
    }

    /** {@return the floor added to sigma (0 for none)} */
    public double sigmaFloor() {
        return sigmaFloor;
    }

    /** {@return a copy of the fixed observation scale, or null for none} */
    public double[] observationScale() {
        return observationScale == null ? null : observationScale.toArray();
    }

    /** {@return the body network} */
    public Layer body() {
        return body;
    }

    @Override
    public String toString() {
        return "GaussianPolicy(observations=" + observationSize + ", actions=" + actionSize
                + ", sigma=" + (logStd != null ? "exp(logStd)" : "softplus head")
                + (sigmaFloor > 0 ? " + " + sigmaFloor : "") + ", body=" + body + ")";
    }

    /**
     * The Gaussian for a batch: mean (batch, d) and standard deviation (batch, d) or (d).
     *
     * @param mean the means
     * @param std the standard deviations
     */
    public record Distribution(Tensor mean, Tensor std) {
        /**
         * Checks that both are present.
         *
         * @param mean the means
         * @param std the standard deviations
         */
        public Distribution {
            Objects.requireNonNull(mean, "Distribution: mean is null");
            Objects.requireNonNull(std, "Distribution: std is null");
        }
    }

    /**
     * Settings of a {@link GaussianPolicy}: {@code set*} ones are required, {@code opt*} ones
     * optional. Defaults: a softplus sigma head with bias ln(e - 1) (sigma starts at 1), a mean
     * head with zero kernel, no floor, no observation scaling.
     */
    public static final class Builder {
        private Layer body;
        private int observationSize = -1;
        private int featureSize = -1;
        private int actionSize = -1;
        private boolean stateIndependent;
        private double sigmaBias = UNIT_SIGMA_BIAS;
        private double initialStd = 1.0;
        private Initializer muKernelInit = Initializers.zeros();
        private double sigmaFloor;
        private double[] observationScale;

        private Builder() {
        }

        /**
         * The body network, mapping (batch, observationSize) to (batch, featureSize); an identity
         * layer makes a linear policy (then featureSize = observationSize).
         *
         * @param body the body network
         * @param observationSize the length of an observation, the body's input width
         * @param featureSize the body's output width, the heads' input width
         * @return this builder
         */
        public Builder setBody(Layer body, int observationSize, int featureSize) {
            this.body = Objects.requireNonNull(body, "GaussianPolicy.Builder: body is null");
            this.observationSize = observationSize;
            this.featureSize = featureSize;
            return this;
        }

        /**
         * The number of action elements.
         *
         * @param actionSize the length of an action, at least 1
         * @return this builder
         */
        public Builder setActionSize(int actionSize) {
            this.actionSize = actionSize;
            return this;
        }

        /**
         * sigma = softplus(head), head kernel 0 and bias {@code bias}, so sigma starts at softplus(bias).
         *
         * @param bias the sigma head's initial bias
         * @return this builder
         */
        public Builder optSoftplusSigma(double bias) {
            this.stateIndependent = false;
            this.sigmaBias = bias;
            return this;
        }

        /**
         * sigma = exp(logStd), a parameter that does not depend on the state, starting at {@code std}.
         *
         * @param initialStd sigma at the start, positive
         * @return this builder
         */
        public Builder optStateIndependentSigma(double initialStd) {
            this.stateIndependent = true;
            this.initialStd = initialStd;
            return this;
        }

        /**
         * The mean head's kernel initialiser (default zeros, as the article).
         *
         * @param init the initialiser of the mean head's kernel
         * @return this builder
         */
        public Builder optMuKernelInit(Initializer init) {
            this.muKernelInit = Objects.requireNonNull(init, "GaussianPolicy.Builder: mu kernel init is null");
            return this;
        }

        /**
         * A floor added to sigma, >= 0 (default 0: none).
         *
         * @param floor the floor added to sigma
         * @return this builder
         */
        public Builder optSigmaFloor(double floor) {
            this.sigmaFloor = floor;
            return this;
        }

        /**
         * Multiplies each observation element by a fixed scale before the body (default none).
         *
         * @param scale one factor per observation element
         * @return this builder
         */
        public Builder optObservationScale(double... scale) {
            this.observationScale = scale.clone();
            return this;
        }

        /**
         * Builds the policy, drawing the heads' initial values from {@code rng}.
         *
         * @param rng the source of the heads' initial values
         * @return the new policy
         * @throws IllegalArgumentException naming the setting if one is missing or invalid
         */
        public GaussianPolicy build(RandomGenerator rng) {
            Objects.requireNonNull(rng, "GaussianPolicy.Builder.build: random generator is null");
            if (body == null) {
                throw new IllegalArgumentException("GaussianPolicy.Builder: no body; call setBody");
            }
            if (observationSize < 1 || featureSize < 1 || actionSize < 1) {
                throw new IllegalArgumentException("GaussianPolicy.Builder: observationSize="
                        + observationSize + ", featureSize=" + featureSize + ", actionSize=" + actionSize
                        + "; all must be >= 1 (call setBody and setActionSize)");
            }
            if (!Double.isFinite(sigmaBias) || !(initialStd > 0) || !Double.isFinite(initialStd)) {
                throw new IllegalArgumentException("GaussianPolicy.Builder: sigma bias " + sigmaBias
                        + ", initial std " + initialStd + "; need a finite bias and a finite std > 0");
            }
            if (!(sigmaFloor >= 0) || !Double.isFinite(sigmaFloor)) {
                throw new IllegalArgumentException("GaussianPolicy.Builder: sigma floor " + sigmaFloor
                        + "; need a finite floor >= 0");
            }
            if (observationScale != null && observationScale.length != observationSize) {
                throw new IllegalArgumentException("GaussianPolicy.Builder: observation scale of length "
                        + observationScale.length + " for observations of length " + observationSize);
            }
            return new GaussianPolicy(this, rng);
        }
    }
}
