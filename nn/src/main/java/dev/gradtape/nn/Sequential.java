package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Layers applied one after the other: forward(x) = layer_n(... layer_1(layer_0(x))). Parameters
 * are named {@code "<index>.<name>"} after the layer that owns them ("0.kernel", "2.bias"; a
 * nested Sequential gives "1.0.kernel"), so names are unique within the model.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;
    private final List<Parameter> parameters;

    /**
     * A model of the given layers, in order.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(Layer... layers) {
        this(List.of(layers));
    }

    /**
     * A model of the given layers, in order.
     *
     * @param layers the layers, applied first to last
     * @throws IllegalArgumentException if there are no layers, or the same parameter appears
     *     twice (a layer added twice would share its weights silently)
     */
    public Sequential(List<Layer> layers) {
        Objects.requireNonNull(layers, "Sequential: layers is null");
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("Sequential: no layers given; pass at least one");
        }
        this.layers = List.copyOf(layers);
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < this.layers.size(); i++) {
            for (Parameter p : this.layers.get(i).parameters()) {
                for (Parameter q : ps) {
                    if (q.sameVariable(p)) {
                        throw new IllegalArgumentException("Sequential: layer " + i + " ("
                                + this.layers.get(i) + ") holds parameter " + p.name()
                                + ", already used as " + q.name() + "; each layer may appear once");
                    }
                }
                ps.add(p.prefixed(Integer.toString(i)));
            }
        }
        Set<String> names = new HashSet<>();
        for (Parameter p : ps) {
            if (!names.add(p.name())) {
                throw new IllegalArgumentException("Sequential: two parameters are named '"
                        + p.name()
                        + "'; names within a layer must be unique");
            }
        }
        this.parameters = List.copyOf(ps);
    }

    /** {@return the layers, in order} */
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = input;
        for (Layer layer : layers) {
            x = layer.forward(x);
        }
        return x;
    }

    /** The layers' parameters in layer order, renamed "&lt;index&gt;.&lt;name&gt;". */
    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The architecture, one layer per line with its parameter count, and the totals:
     * <pre>
     * Sequential(
     *   (0): Dense(2 -> 16, kernel=glorotUniform, bias=zeros)  48 parameters
     *   (1): Tanh()
     *   (2): Dense(16 -> 1, kernel=glorotUniform, bias=zeros)  17 parameters
     * )  65 parameters (65 trainable)
     * </pre>
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Sequential(\n");
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String text = layer.toString().replace("\n", "\n  ");
            sb.append("  (").append(i).append("): ").append(text);
            long n = layer.parameterCount();
            if (n > 0 && !(layer instanceof Sequential)) {
                sb.append("  ").append(n).append(n == 1 ? " parameter" : " parameters");
            }
            sb.append('\n');
        }
        long trainable = 0;
        for (Parameter p : trainableParameters()) {
            trainable += p.size();
        }
        return sb.append(")  ").append(parameterCount()).append(" parameters (").append(trainable)
                .append(" trainable)").toString();
    }
}
