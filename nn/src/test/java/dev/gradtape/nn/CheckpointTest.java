package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Sequential mlp(long seed, int hidden) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Dense(3, hidden, rng), new Tanh(), new Dense(hidden, 2, rng));
    }

    /** A fixed regression problem; batch {@code k} of it, so that steps differ. */
    private static Tensor[] batch(int k) {
        SplittableRandom rng = new SplittableRandom(1000 + k);
        Tensor x = Tensor.randn(rng, 8, 3);
        return new Tensor[] {x, x.sum(1, true).tanh().broadcastTo(8, 2).mul(Tensor.vector(1, -1))};
    }

    private static void train(Module model, Optimizer opt, int from, int to) {
        for (int k = from; k < to; k++) {
            Tensor[] b = batch(k);
            Training.step(model, Losses::meanSquaredError, opt, b[0], b[1]);
        }
    }

    private static Map<String, Tensor> snapshot(Module model) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            m.put(p.name(), p.value());
        }
        return m;
    }

    private static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()));
        for (String k : expected.keySet()) {
            assertTrue(expected.get(k).valueEquals(actual.get(k)), k + ": " + expected.get(k)
                    + " vs "
                    + actual.get(k));
        }
    }

    private static final List<Supplier<Optimizer>> OPTIMIZERS = List.of(
            () -> new Adam(0.01),
            () -> Sgd.builder().learningRate(0.05).momentum(0.9).nesterov(true).build(),
            () -> RmsProp.builder().learningRate(0.01).momentum(0.5).centered(true)
                    .schedule(LearningRateSchedule.linearDecay(0.01, 0.001, 20)).build());

    @Test
    void round_trip_restores_parameters_and_optimizer_state_bit_for_bit() {
        for (Supplier<Optimizer> make : OPTIMIZERS) {
            Sequential model = mlp(1, 5);
            Optimizer opt = make.get();
            train(model, opt, 0, 4);
            Path file = dir.resolve("ckpt.safetensors");
            Checkpoint.save(file, model, opt);
            Sequential other = mlp(2, 5);
            Optimizer fresh = make.get();
            Checkpoint.load(file, other, fresh);
            assertBitIdentical(snapshot(model), snapshot(other));
            assertBitIdentical(opt.state(), fresh.state());
            assertEquals(4, fresh.iterations());
            assertEquals(opt.learningRate(), fresh.learningRate());
        }
    }

    @Test
    void training_resumed_from_a_checkpoint_equals_training_straight_through() {
        for (Supplier<Optimizer> make : OPTIMIZERS) {
            Sequential straight = mlp(3, 6);
            Optimizer optA = make.get();
            train(straight, optA, 0, 12);

            Sequential first = mlp(3, 6);
            Optimizer optB = make.get();
            train(first, optB, 0, 5);
            Path file = dir.resolve("mid.safetensors");
            Checkpoint.save(file, first, optB);

            Sequential resumed = mlp(99, 6); // other initial weights: all must come from the file
            Optimizer optC = make.get();
            Checkpoint.load(file, resumed, optC);
            train(resumed, optC, 5, 12);
            assertBitIdentical(snapshot(straight), snapshot(resumed));
            assertBitIdentical(optA.state(), optC.state());
        }
    }

    @Test
    void a_weights_only_checkpoint_is_plain_safetensors() {
        Sequential model = mlp(4, 2);
        Path file = dir.resolve("weights.safetensors");
        Checkpoint.save(file, model, null);
        SafeTensors.Contents c = SafeTensors.readContents(file);
        assertEquals(List.of("0.kernel", "0.bias", "2.kernel", "2.bias"), List.copyOf(c.tensors().keySet()));
        assertEquals("gradtape.checkpoint", c.metadata().get("format"));
        // a checkpoint with optimiser state also loads into a model alone
        Adam adam = new Adam();
        train(model, adam, 0, 1);
        Checkpoint.save(file, model, adam);
        Sequential other = mlp(5, 2);
        Checkpoint.load(file, other, null);
        assertBitIdentical(snapshot(model), snapshot(other));
    }

    // ---------------------------------------------------------------- bad input changes nothing

    /** Asserts that loading {@code file} throws with all {@code fragments} and changes nothing. */
    private static CheckpointException rejectsUnchanged(Path file, Module model, Optimizer opt,
            String... fragments) {
        Map<String, Tensor> before = snapshot(model);
        Map<String, Tensor> stateBefore = opt == null ? Map.of() : opt.state();
        CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file, model, opt));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
        assertBitIdentical(before, snapshot(model));
        if (opt != null) {
            assertBitIdentical(stateBefore, opt.state());
        }
        return e;
    }

    private Path saved(Module model, Optimizer opt) {
        Path file = dir.resolve("saved.safetensors");
        Checkpoint.save(file, model, opt);
        return file;
    }

    @Test
    void truncated_or_corrupt_file() throws IOException {
        Sequential model = mlp(6, 4);
        Adam adam = new Adam();
        train(model, adam, 0, 2);
        Path file = saved(mlp(7, 4), adam);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 10));
        rejectsUnchanged(file, model, adam, "truncated");
        byte[] corrupt = bytes.clone();
        corrupt[9] = '}';
        Files.write(file, corrupt);
        rejectsUnchanged(file, model, adam, "invalid header JSON at byte 2");
    }

    @Test
    void missing_parameter() {
        Path file = saved(mlp(8, 4), null);
        SplittableRandom rng = new SplittableRandom(9);
        Sequential bigger = new Sequential(new Dense(3, 4, rng), new Tanh(), new Dense(4, 2, rng), new Tanh(),
                new Dense(2, 1, rng));
        rejectsUnchanged(file, bigger, null, "parameter '4.kernel'", "(2, 1)", "missing");
    }

    @Test
    void extra_parameter() {
        SplittableRandom rng = new SplittableRandom(10);
        Sequential bigger = new Sequential(new Dense(3, 4, rng), new Tanh(), new Dense(4, 2, rng), new Tanh(),
                new Dense(2, 1, rng));
        Path file = saved(bigger, null);
        rejectsUnchanged(file, mlp(11, 4), null, "'4.kernel'", "(2, 1)", "not a parameter of the model");
    }

    @Test
    void wrong_shape_names_the_parameter_and_both_shapes() {
        Path file = saved(mlp(12, 4), null);
        CheckpointException e = rejectsUnchanged(file, mlp(13, 5), null, "parameter '0.kernel'",
                "shape (3, 5) in the model", "shape (3, 4) in the file");
        assertTrue(e.getMessage().contains("saved.safetensors"), e.getMessage());
    }

    @Test
    void optimizer_state_missing_of_another_kind_or_ill_formed() {
        Sequential model = mlp(14, 3);
        Adam adam = new Adam();
        train(model, adam, 0, 2);
        rejectsUnchanged(saved(model, null), model, adam, "no optimiser state");
        Sgd sgd = Sgd.builder().momentum(0.5).build();
        train(model, sgd, 0, 1);
        rejectsUnchanged(saved(model, sgd), model, adam, "Sgd", "Adam");

        // state whose slots do not fit: a 'v' slot is missing for one parameter
        Map<String, Tensor> all = new LinkedHashMap<>(snapshot(mlp(15, 3)));
        for (Map.Entry<String, Tensor> e : adam.state().entrySet()) {
            if (!e.getKey().equals("v/2.bias")) {
                all.put("optimizer/" + e.getKey(), e.getValue());
            }
        }
        Path file = dir.resolve("hand.safetensors");
        SafeTensors.write(file, all, Map.of("optimizer", "Adam"));
        rejectsUnchanged(file, model, adam, "'2.bias'", "v/2.bias");

        // a slot whose shape differs from its parameter's
        all.put("optimizer/v/2.bias", Tensor.zeros(7));
        SafeTensors.write(file, all, Map.of("optimizer", "Adam"));
        rejectsUnchanged(file, model, adam, "'v/2.bias'", "(7,)", "(2,)");
    }

    @Test
    void duplicate_names_cannot_be_saved() {
        Dense d = new Dense(1, 1, new SplittableRandom(0));
        Module twoLayers = new Module() {
            private final Dense e = new Dense(1, 1, new SplittableRandom(1));

            @Override
            public Tensor forward(Tensor input) {
                return e.forward(d.forward(input));
            }

            @Override
            public List<Parameter> parameters() {
                return List.of(d.kernel(), d.bias(), e.kernel(), e.bias());
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(dir.resolve("dup"), twoLayers, null));
        assertTrue(e.getMessage().contains("'kernel'"), e.getMessage());
    }
}
