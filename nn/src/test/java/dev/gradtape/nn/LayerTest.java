package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerTest {
    @Test
    void parameter_value_is_watched_by_an_open_tape() {
        Parameter p = new Parameter("w", Tensor.vector(1, 2, 3));
        try (GradientTape tape = new GradientTape()) {
            Tensor loss = p.value().square().sum();
            Tensor g = tape.gradient(loss, p.value());
            assertTrue(g.valueEquals(Tensor.vector(2, 4, 6)), g.toString());
        }
    }

    @Test
    void assign_keeps_the_shape() {
        Parameter p = new Parameter("layer.w", Tensor.zeros(2, 3));
        p.assign(Tensor.ones(2, 3));
        assertEquals(6.0, p.value().sum().item());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> p.assign(Tensor.ones(3, 2)));
        assertTrue(e.getMessage().contains("layer.w") && e.getMessage().contains("(3, 2)")
                && e.getMessage().contains("(2, 3)"), e.getMessage());
        assertEquals(6.0, p.value().sum().item());
    }

    @Test
    void dense_computes_x_w_plus_b() {
        Dense d = new Dense(2, 3, Initializers.constant(0.5), Initializers.constant(-1),
                new SplittableRandom(1));
        Tensor y = d.forward(Tensor.matrix(new double[][] {{1, 2}, {3, 4}}));
        // each output: 0.5 * (x0 + x1) - 1
        assertTrue(y.valueEquals(Tensor.matrix(new double[][] {{0.5, 0.5, 0.5}, {2.5, 2.5, 2.5}})),
                y.toString());
        assertEquals(Shape.of(2, 3), d.kernel().shape());
        assertEquals(Shape.of(3), d.bias().shape());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.forward(Tensor.zeros(4, 5)));
        assertTrue(e.getMessage().contains("Dense(2 -> 3)") && e.getMessage().contains("(4, 5)"),
                e.getMessage());
    }

    @Test
    void sequential_names_parameters_by_layer_index() {
        SplittableRandom rng = new SplittableRandom(7);
        Dense first = new Dense(2, 4, rng);
        Sequential model = new Sequential(first, new Tanh(), new Dense(4, 1, rng));
        List<Parameter> ps = model.parameters();
        assertEquals(List.of("0.kernel", "0.bias", "2.kernel", "2.bias"),
                ps.stream().map(Parameter::name).toList());
        assertEquals(2 * 4 + 4 + 4 + 1, model.parameterCount());
        assertTrue(ps.get(0).sameVariable(first.kernel()));
        // a renamed view and the layer's own parameter are one variable
        ps.get(0).assign(Tensor.zeros(2, 4));
        assertEquals(0.0, first.kernel().value().abs().sum().item());
        assertEquals(Shape.of(3, 1), model.forward(Tensor.ones(3, 2)).shape());
        Sequential nested = new Sequential(new ReLU(), model);
        assertEquals("1.0.kernel", nested.parameters().get(0).name());
    }

    @Test
    void sequential_prints_its_architecture() {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = new Sequential(new Dense(2, 16, rng), new Tanh(), new Dense(16, 1, rng));
        model.parameters().get(3).setTrainable(false);
        assertEquals("Sequential(\n"
                + "  (0): Dense(2 -> 16, kernel=glorotUniform, bias=zeros)  48 parameters\n"
                + "  (1): Tanh()\n"
                + "  (2): Dense(16 -> 1, kernel=glorotUniform, bias=zeros)  17 parameters\n"
                + ")  65 parameters (64 trainable)", model.toString());
    }

    @Test
    void a_layer_cannot_appear_twice() {
        Dense d = new Dense(2, 2, new SplittableRandom(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Sequential(d, new ReLU(), d));
        assertTrue(e.getMessage().contains("layer 2"), e.getMessage());
    }

    @Test
    void activations_apply_their_function() {
        Tensor x = Tensor.vector(-1, 0.5);
        assertTrue(new ReLU().forward(x).valueEquals(Tensor.vector(0, 0.5)));
        assertEquals(Math.tanh(-1), new Tanh().forward(x).get(0), 0);
        assertEquals(1 / (1 + Math.exp(-0.5)), new Sigmoid().forward(x).get(1), 1e-15);
        assertEquals(Math.log1p(Math.exp(-1)), new Softplus().forward(x).get(0), 1e-15);
        assertEquals(0, new Softplus().parameters().size());
    }

    @Test
    void nested_sequential_prints_indented() {
        SplittableRandom rng = new SplittableRandom(1);
        Sequential inner = new Sequential(new Dense(2, 3, rng), new ReLU());
        Sequential model = new Sequential(inner, new Dense(3, 1, Initializers.heNormal(),
                Initializers.constant(0.1), rng), new Sigmoid());
        assertEquals("Sequential(\n"
                + "  (0): Sequential(\n"
                + "    (0): Dense(2 -> 3, kernel=glorotUniform, bias=zeros)  9 parameters\n"
                + "    (1): ReLU()\n"
                + "  )  9 parameters (9 trainable)\n"
                + "  (1): Dense(3 -> 1, kernel=heNormal, bias=constant(0.1))  4 parameters\n"
                + "  (2): Sigmoid()\n"
                + ")  13 parameters (13 trainable)", model.toString());
    }

    @Test
    void bad_construction_arguments_are_explained() {
        SplittableRandom rng = new SplittableRandom(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Parameter(" ", Tensor.scalar(1)));
        assertTrue(e.getMessage().contains("non-blank name"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Dense(0, 3, rng));
        assertTrue(e.getMessage().contains("in=0") && e.getMessage().contains(">= 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Dense(2, 3,
                (shape, in, out, r) -> Tensor.zeros(3, 2), Initializers.zeros(), rng));
        assertTrue(e.getMessage().contains("(3, 2)") && e.getMessage().contains("(2, 3)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sequential(List.of()));
        assertTrue(e.getMessage().contains("at least one"), e.getMessage());
    }

    @Test
    void frozen_parameters_are_left_out_of_trainable_parameters() {
        Sequential model = new Sequential(new Dense(2, 2, new SplittableRandom(3)));
        model.parameters().get(1).setTrainable(false);
        assertEquals(List.of("0.kernel"),
                model.trainableParameters().stream().map(Parameter::name).toList());
        assertEquals(6, model.parameterCount());
    }
}
