package dev.gradtape.rl;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.nn.Dense;
import dev.gradtape.nn.Initializers;
import dev.gradtape.nn.Layer;
import dev.gradtape.nn.ReLU;
import dev.gradtape.nn.Sequential;
import dev.gradtape.nn.Sigmoid;
import dev.gradtape.nn.Softplus;
import dev.gradtape.nn.Tanh;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a {@link GaussianPolicy} is built of, apart from its weights: enough to rebuild the
 * policy from a checkpoint alone. It is kept in the checkpoint's metadata as strings
 * ({@link #toMetadata}), version {@value #VERSION}:
 *
 * <pre>
 *     policy_format             gradtape.gaussian_policy
 *     policy_format_version     1
 *     policy_layers             3,64,64,1        widths: observation, each hidden layer, action
 *     policy_activation         relu             after every hidden layer: relu, tanh, sigmoid, softplus
 *     policy_sigma              log_std          a learned vector exp(logStd), or softplus_head
 *     policy_sigma_floor        0.0              added to sigma
 *     policy_observation_scale  1.0,1.0,0.125    one factor per observation element, or none
 * </pre>
 *
 * Numbers are written as {@link Double#toString} writes them, so they read back exactly. The
 * body is the layers Dense, activation, Dense, activation, ... (the last hidden layer is
 * followed by its activation too); the mean head is a Dense from the last hidden width to the
 * action; sigma is the head or vector named. A later version adds keys or values and raises the
 * version; this one refuses keys it does not know, so a file is never half understood.
 *
 * @param layers the widths from the observation through each hidden layer to the action: at
 *     least one hidden layer
 * @param activation the activation after each hidden layer
 * @param sigma how sigma is made
 * @param sigmaFloor the floor added to sigma, finite and at least 0
 * @param observationScale one factor per observation element, or null for none
 */
public record PolicyArchitecture(int[] layers, Activation activation, Sigma sigma, double sigmaFloor,
        double[] observationScale) {
    /** The metadata key that says a file holds an architecture. */
    public static final String FORMAT_KEY = "policy_format";
    /** The value of {@value #FORMAT_KEY}. */
    public static final String FORMAT = "gradtape.gaussian_policy";
    /** The version of the keys written and read. */
    public static final String VERSION = "1";
    static final String VERSION_KEY = "policy_format_version";
    static final String LAYERS = "policy_layers";
    static final String ACTIVATION = "policy_activation";
    static final String SIGMA = "policy_sigma";
    static final String SIGMA_FLOOR = "policy_sigma_floor";
    static final String OBSERVATION_SCALE = "policy_observation_scale";
    private static final List<String> KEYS = List.of(FORMAT_KEY, VERSION_KEY, LAYERS, ACTIVATION, SIGMA,
            SIGMA_FLOOR, OBSERVATION_SCALE);
    /** The widest layer a file may describe (a square kernel of it still has fewer than 2^31 elements). */
    static final int MAX_WIDTH = 1 << 15;
    private static final Pattern WIDTHS = Pattern.compile("[1-9][0-9]{0,4}(,[1-9][0-9]{0,4}){2,}");
    /** A number as {@link Double#toString} writes a finite one (and plain decimals). */
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE]-?[0-9]+)?");

    /** The activation after each hidden layer, by its name in the metadata. */
    public enum Activation {
        /** max(x, 0). */
        RELU(ReLU.class, ReLU::new),
        /** tanh(x). */
        TANH(Tanh.class, Tanh::new),
        /** 1 / (1 + exp(-x)). */
        SIGMOID(Sigmoid.class, Sigmoid::new),
        /** log(1 + exp(x)). */
        SOFTPLUS(Softplus.class, Softplus::new);

        private final Class<?> type;
        private final Supplier<? extends Layer> factory;

        Activation(Class<?> type, Supplier<? extends Layer> factory) {
            this.type = type;
            this.factory = factory;
        }

        /** {@return the name in the metadata: relu, tanh, sigmoid or softplus} */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How sigma is made, by its name in the metadata. */
    public enum Sigma {
        /** sigma = exp(logStd), a learned vector that does not depend on the state: "log_std". */
        LOG_STD,
        /** sigma = softplus(a linear head on the features), a function of the state: "softplus_head". */
        SOFTPLUS_HEAD;

        /** {@return the name in the metadata: log_std or softplus_head} */
        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Checks and copies the settings.
     *
     * @param layers the widths from the observation through each hidden layer to the action
     * @param activation the activation after each hidden layer
     * @param sigma how sigma is made
     * @param sigmaFloor the floor added to sigma
     * @param observationScale one factor per observation element, or null for none
     * @throws IllegalArgumentException naming the setting if one is out of range
     */
    public PolicyArchitecture {
        Objects.requireNonNull(layers, "PolicyArchitecture: layers is null");
        Objects.requireNonNull(activation, "PolicyArchitecture: activation is null");
        Objects.requireNonNull(sigma, "PolicyArchitecture: sigma is null");
        layers = layers.clone();
        if (layers.length < 3) {
            throw new IllegalArgumentException("PolicyArchitecture: layers " + Arrays.toString(layers)
                    + "; need the observation width, at least one hidden width and the action width");
        }
        for (int w : layers) {
            if (w < 1 || w > MAX_WIDTH) {
                throw new IllegalArgumentException("PolicyArchitecture: layers " + Arrays.toString(layers)
                        + "; every width must be from 1 to " + MAX_WIDTH);
            }
        }
        if (!(sigmaFloor >= 0) || !Double.isFinite(sigmaFloor)) {
            throw new IllegalArgumentException("PolicyArchitecture: sigma floor " + sigmaFloor
                    + "; need a finite floor >= 0");
        }
        if (observationScale != null) {
            observationScale = observationScale.clone();
            if (observationScale.length != layers[0]) {
                throw new IllegalArgumentException("PolicyArchitecture: an observation scale of "
                        + observationScale.length + " factors for observations of " + layers[0]);
            }
            for (double f : observationScale) {
                if (!Double.isFinite(f)) {
                    throw new IllegalArgumentException("PolicyArchitecture: observation scale "
                            + Arrays.toString(observationScale) + "; every factor must be finite");
                }
            }
        }
    }

    /**
     * The architecture of {@code policy}.
     *
     * @param policy a policy whose body is a {@link Sequential} of Dense layers, each followed by
     *     the same parameterless activation (as {@link GaussianPolicy#reluBody} builds)
     * @return its architecture
     * @throws IllegalArgumentException if the body is built some other way, which this format
     *     cannot describe
     */
    public static PolicyArchitecture of(GaussianPolicy policy) {
        Objects.requireNonNull(policy, "PolicyArchitecture.of: policy is null");
        String problem = "PolicyArchitecture.of: the body " + policy.body() + " is not a Sequential of"
                + " Dense layers each followed by one activation (relu, tanh, sigmoid or softplus)";
        if (!(policy.body() instanceof Sequential body) || body.layers().size() % 2 != 0) {
            throw new IllegalArgumentException(problem);
        }
        int hidden = body.layers().size() / 2;
        int[] widths = new int[hidden + 2];
        widths[0] = policy.observationSize();
        Activation activation = null;
        for (int i = 0; i < hidden; i++) {
            Object dense = body.layers().get(2 * i);
            Object act = body.layers().get(2 * i + 1);
            Activation a = activationOf(act);
            if (!(dense instanceof Dense d) || a == null || (activation != null && a != activation)
                    || d.inFeatures() != widths[i]) {
                throw new IllegalArgumentException(problem);
            }
            activation = a;
            widths[i + 1] = d.outFeatures();
        }
        widths[hidden + 1] = policy.actionSize();
        return new PolicyArchitecture(widths, activation,
                policy.stateIndependentSigma() ? Sigma.LOG_STD : Sigma.SOFTPLUS_HEAD, policy.sigmaFloor(),
                policy.observationScale());
    }

    private static Activation activationOf(Object layer) {
        for (Activation a : Activation.values()) {
            if (a.type.isInstance(layer)) {
                return a;
            }
        }
        return null;
    }

    /**
     * A new policy of this architecture. Its weights are placeholders (zeros, the orthogonal
     * hidden layers of a fixed seed) for a checkpoint to overwrite.
     *
     * @return the policy, with the parameter names and shapes a checkpoint of this architecture holds
     */
    public GaussianPolicy newPolicy() {
        SplittableRandom rng = new SplittableRandom(0);
        List<Layer> body = new ArrayList<>();
        for (int i = 1; i < layers.length - 1; i++) {
            body.add(new Dense(layers[i - 1], layers[i], Initializers.zeros(), Initializers.zeros(), rng));
            body.add(activation.factory.get());
        }
        GaussianPolicy.Builder b = GaussianPolicy.builder()
                .setBody(new Sequential(body), layers[0], layers[layers.length - 2])
                .setActionSize(layers[layers.length - 1])
                .optSigmaFloor(sigmaFloor);
        if (sigma == Sigma.LOG_STD) {
            b.optStateIndependentSigma(1.0);
        } else {
            b.optSoftplusSigma(GaussianPolicy.UNIT_SIGMA_BIAS);
        }
        if (observationScale != null) {
            b.optObservationScale(observationScale);
        }
        return b.build(rng);
    }

    /**
     * {@return the name and shape of every parameter a policy of this architecture has, in the
     * order of {@link GaussianPolicy#parameters}} Worked out without building the policy, so that
     * a file can be checked against its architecture before anything is allocated.
     */
    public Map<String, Shape> parameterShapes() {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (int i = 1; i < layers.length - 1; i++) {
            m.put("body." + (2 * (i - 1)) + ".kernel", Shape.of(layers[i - 1], layers[i]));
            m.put("body." + (2 * (i - 1)) + ".bias", Shape.of(layers[i]));
        }
        int features = layers[layers.length - 2];
        int actions = layers[layers.length - 1];
        m.put("mu.kernel", Shape.of(features, actions));
        m.put("mu.bias", Shape.of(actions));
        if (sigma == Sigma.LOG_STD) {
            m.put("logStd", Shape.of(actions));
        } else {
            m.put("sigma.kernel", Shape.of(features, actions));
            m.put("sigma.bias", Shape.of(actions));
        }
        return m;
    }

    // ---------------------------------------------------------------- metadata

    /** {@return the architecture as metadata strings, the keys in the order of the class comment} */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, FORMAT);
        m.put(VERSION_KEY, VERSION);
        StringBuilder widths = new StringBuilder();
        for (int w : layers) {
            widths.append(widths.length() == 0 ? "" : ",").append(w);
        }
        m.put(LAYERS, widths.toString());
        m.put(ACTIVATION, activation.key());
        m.put(SIGMA, sigma.key());
        m.put(SIGMA_FLOOR, Double.toString(sigmaFloor));
        if (observationScale == null) {
            m.put(OBSERVATION_SCALE, "none");
        } else {
            StringBuilder s = new StringBuilder();
            for (double f : observationScale) {
                s.append(s.length() == 0 ? "" : ",").append(f);
            }
            m.put(OBSERVATION_SCALE, s.toString());
        }
        return m;
    }

    /**
     * {@return true if {@code metadata} says it holds an architecture} (it has
     * {@value #FORMAT_KEY}; {@link #fromMetadata} then checks the rest)
     *
     * @param metadata a checkpoint's metadata strings
     */
    public static boolean isIn(Map<String, String> metadata) {
        return metadata.containsKey(FORMAT_KEY);
    }

    /**
     * Reads the architecture from a checkpoint's metadata, checking every key.
     *
     * @param metadata a checkpoint's metadata strings (other keys than {@code policy_*} are ignored)
     * @return the architecture
     * @throws IllegalArgumentException naming the key and its value if one is missing, not of
     *     version {@value #VERSION}, unknown, or holds a value that is not valid
     */
    public static PolicyArchitecture fromMetadata(Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "PolicyArchitecture.fromMetadata: metadata is null");
        String format = metadata.get(FORMAT_KEY);
        if (format == null) {
            throw new IllegalArgumentException("the metadata has no " + FORMAT_KEY + ", so it records no"
                    + " policy architecture");
        }
        if (!format.equals(FORMAT)) {
            throw bad(FORMAT_KEY, format, FORMAT);
        }
        String version = metadata.get(VERSION_KEY);
        if (!VERSION.equals(version)) {
            throw bad(VERSION_KEY, version, VERSION + " (the version this gradtape reads)");
        }
        for (String key : metadata.keySet()) {
            if (key.startsWith("policy_") && !KEYS.contains(key)) {
                throw new IllegalArgumentException("the metadata holds " + key + ", which policy format"
                        + " version " + VERSION + " does not have (its keys: " + String.join(", ", KEYS) + ")");
            }
        }
        String layersText = required(metadata, LAYERS);
        if (!WIDTHS.matcher(layersText).matches()) {
            throw bad(LAYERS, layersText, "widths from 1 to " + MAX_WIDTH + " separated by commas, at least"
                    + " three (observation, hidden..., action), as 3,64,64,1");
        }
        int[] widths = Arrays.stream(layersText.split(",")).mapToInt(Integer::parseInt).toArray();
        for (int w : widths) {
            if (w > MAX_WIDTH) {
                throw bad(LAYERS, layersText, "widths from 1 to " + MAX_WIDTH);
            }
        }
        Activation activation = choice(Activation.class, ACTIVATION, required(metadata, ACTIVATION));
        Sigma sigma = choice(Sigma.class, SIGMA, required(metadata, SIGMA));
        String floorText = required(metadata, SIGMA_FLOOR);
        double floor = NUMBER.matcher(floorText).matches() ? Double.parseDouble(floorText) : Double.NaN;
        if (!(floor >= 0) || !Double.isFinite(floor)) {
            throw bad(SIGMA_FLOOR, floorText, "a finite number >= 0, as 0.0");
        }
        String scaleText = required(metadata, OBSERVATION_SCALE);
        double[] scale = null;
        if (!scaleText.equals("none")) {
            String[] parts = scaleText.split(",", -1);
            scale = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                scale[i] = NUMBER.matcher(parts[i]).matches() ? Double.parseDouble(parts[i]) : Double.NaN;
                if (!Double.isFinite(scale[i])) {
                    throw bad(OBSERVATION_SCALE, scaleText, "none, or " + widths[0]
                            + " finite numbers separated by commas");
                }
            }
            if (scale.length != widths[0]) {
                throw bad(OBSERVATION_SCALE, scaleText, "one factor per observation element, "
                        + widths[0] + " as " + LAYERS + " says");
            }
        }
        return new PolicyArchitecture(widths, activation, sigma, floor, scale);
    }

    private static String required(Map<String, String> metadata, String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new IllegalArgumentException("the metadata has no " + key + "; a policy architecture of"
                    + " version " + VERSION + " has all of " + String.join(", ", KEYS));
        }
        return v;
    }

    private static <E extends Enum<E>> E choice(Class<E> type, String key, String value) {
        List<String> names = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            String name = e.name().toLowerCase(Locale.ROOT);
            if (name.equals(value)) {
                return e;
            }
            names.add(name);
        }
        throw bad(key, value, "one of " + String.join(", ", names));
    }

    private static IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException(key + " is " + (value == null ? "missing" : "'" + value + "'")
                + "; expected " + expected);
    }

    // ---------------------------------------------------------------- a record of arrays

    /** {@return a copy of the widths, observation to action} */
    @Override
    public int[] layers() {
        return layers.clone();
    }

    /** {@return a copy of the observation scale, or null for none} */
    @Override
    public double[] observationScale() {
        return observationScale == null ? null : observationScale.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PolicyArchitecture a && Arrays.equals(layers, a.layers) && activation == a.activation
                && sigma == a.sigma && Double.compare(sigmaFloor, a.sigmaFloor) == 0
                && Arrays.equals(observationScale, a.observationScale);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(layers), activation, sigma, sigmaFloor, Arrays.hashCode(observationScale));
    }

    @Override
    public String toString() {
        return "PolicyArchitecture" + toMetadata();
    }
}
