package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    private static void train(Layer model, Optimizer opt, int from, int to) {
        for (int k = from; k < to; k++) {
            Tensor[] b = batch(k);
            Training.step(model, Losses::meanSquaredError, opt, b[0], b[1]);
        }
    }

    private static Map<String, Tensor> snapshot(Layer model) {
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

    /** The snippet of docs/using-gradtape.md (and nn/README.md) that saves and loads, run here. */
    @Test
    void the_docs_save_and_load_snippet_works_as_it_says() {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = new Sequential(new Dense(2, 8, rng), new Tanh(), new Dense(8, 1, rng));
        Adam adam = new Adam(0.01);
        Tensor x = Tensor.matrix(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        Tensor y = Tensor.matrix(new double[][] {{0}, {1}, {1}, {2}});
        for (int step = 0; step < 5; step++) {
            Training.step(model, Losses::meanSquaredError, adam, x, y);
        }
        // -- as in the docs
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, model, adam);                    // parameters and Adam's state, atomically

        Sequential restored = new Sequential(new Dense(2, 8, new SplittableRandom(0)), new Tanh(),
                new Dense(8, 1, new SplittableRandom(0)));     // the same architecture; any initial weights
        Adam resumed = new Adam(0.01);
        Checkpoint.load(file, restored, resumed);              // training goes on where it stopped, bit for bit
        // --
        Map<String, Tensor> saved = snapshot(model);
        assertBitIdentical(saved, snapshot(restored));
        Training.step(model, Losses::meanSquaredError, adam, x, y);
        Training.step(restored, Losses::meanSquaredError, resumed, x, y);
        assertBitIdentical(snapshot(model), snapshot(restored));
        Sequential weightsOnly = new Sequential(new Dense(2, 8, new SplittableRandom(0)), new Tanh(),
                new Dense(8, 1, new SplittableRandom(0)));
        Checkpoint.load(file, weightsOnly, null);              // or the weights alone, to evaluate
        assertBitIdentical(saved, snapshot(weightsOnly));
    }

    // ---------------------------------------------------------------- bad input changes nothing

    /** Asserts that loading {@code file} throws with all {@code fragments} and changes nothing. */
    private static CheckpointException rejectsUnchanged(Path file, Layer model, Optimizer opt,
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

    private Path saved(Layer model, Optimizer opt) {
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
        SafeTensors.write(file, all, metadata("Adam"));
        rejectsUnchanged(file, model, adam, "'2.bias'", "v/2.bias");

        // a slot whose shape differs from its parameter's
        all.put("optimizer/v/2.bias", Tensor.zeros(7));
        SafeTensors.write(file, all, metadata("Adam"));
        rejectsUnchanged(file, model, adam, "'v/2.bias'", "(7,)", "(2,)");
    }

    /** The metadata Checkpoint.save writes (SafeTensors.write adds the checksum). */
    private static Map<String, String> metadata(String optimizerOrNull) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "gradtape.checkpoint");
        m.put("format_version", "2");
        if (optimizerOrNull != null) {
            m.put("optimizer", optimizerOrNull);
        }
        return m;
    }

    /** A trained model and its Adam, and their tensors as a checkpoint names them. */
    private static Map<String, Tensor> checkpointTensors(Layer model, Adam adam) {
        train(model, adam, 0, 2);
        Map<String, Tensor> all = new LinkedHashMap<>(snapshot(model));
        for (Map.Entry<String, Tensor> e : adam.state().entrySet()) {
            all.put("optimizer/" + e.getKey(), e.getValue());
        }
        return all;
    }

    @Test
    void the_format_and_its_version_are_checked() {
        Sequential model = mlp(16, 3);
        Map<String, Tensor> all = checkpointTensors(mlp(17, 3), new Adam());
        Path file = dir.resolve("format.safetensors");
        SafeTensors.write(file, all, Map.of("optimizer", "Adam"));
        rejectsUnchanged(file, model, null, "the metadata has no format", "format=gradtape.checkpoint",
                "SafeTensors.read");
        SafeTensors.write(file, all, Map.of("format", "pt", "format_version", "2"));
        rejectsUnchanged(file, model, null, "says format=pt");
        Map<String, String> m = metadata("Adam");
        m.put("format_version", "3");
        SafeTensors.write(file, all, m);
        rejectsUnchanged(file, model, new Adam(), "format_version is '3'", "version 1 and 2");
        m.remove("format_version");
        SafeTensors.write(file, all, m);
        rejectsUnchanged(file, model, null, "format_version is missing");
        // version 2 names its optimiser, as save writes it
        SafeTensors.write(file, all, metadata(null));
        rejectsUnchanged(file, model, new Adam(), "does not name the optimiser", "optimizer=Adam");
        SafeTensors.write(file, all, metadata("Adam"));
        Checkpoint.load(file, model, new Adam());
        assertBitIdentical(onlyModel(all), snapshot(model));
    }

    private static Map<String, Tensor> onlyModel(Map<String, Tensor> all) {
        Map<String, Tensor> m = new LinkedHashMap<>(all);
        m.keySet().removeIf(k -> k.startsWith("optimizer/"));
        return m;
    }

    /**
     * A safetensors file written here from the specification, as gradtape wrote checkpoints before
     * the checksum (format_version 1): compact JSON, space padding, F64 little-endian.
     */
    private static byte[] versionOneFile(Map<String, Tensor> tensors, String optimizer) {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"gradtape.checkpoint\","
                + "\"format_version\":\"1\",\"optimizer\":\"" + optimizer + "\"}");
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String dims = Arrays.toString(e.getValue().shape().dims()).replace(" ", "");
            long end = offset + 8L * e.getValue().size();
            h.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F64\",\"shape\":").append(dims)
                    .append(",\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        h.append('}');
        while (h.length() % 8 != 0) {
            h.append(' ');
        }
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + h.length() + (int) offset)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length()).put(h.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        for (Tensor t : tensors.values()) {
            for (double x : t.toArray()) {
                buf.putDouble(x);
            }
        }
        return buf.array();
    }

    @Test
    void a_version_one_checkpoint_without_a_checksum_still_loads() throws IOException {
        Sequential saved = mlp(18, 3);
        Adam adam = new Adam();
        Map<String, Tensor> all = checkpointTensors(saved, adam);
        Path file = dir.resolve("v1.safetensors");
        Files.write(file, versionOneFile(all, "Adam"));
        Sequential model = mlp(19, 3);
        Adam fresh = new Adam();
        Checkpoint.load(file, model, fresh);
        assertBitIdentical(snapshot(saved), snapshot(model));
        assertBitIdentical(adam.state(), fresh.state());
        // but a version 2 file must carry its checksum
        byte[] v2 = versionOneFile(all, "Adam");
        int at = new String(v2, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("\"1\"");
        v2[at + 1] = '2';
        Files.write(file, v2);
        rejectsUnchanged(file, mlp(19, 3), new Adam(), "version 2 checkpoint must carry data_crc32c");
    }

    @Test
    void nan_or_infinite_values_are_refused_naming_the_tensor() throws IOException {
        Sequential model = mlp(20, 3);
        Adam adam = new Adam();
        Map<String, Tensor> all = checkpointTensors(mlp(21, 3), new Adam());
        train(model, adam, 0, 1);
        Path file = dir.resolve("nan.safetensors");
        Map<String, Tensor> bad = new LinkedHashMap<>(all);
        bad.put("2.bias", Tensor.vector(0.5, Double.NaN));
        SafeTensors.write(file, bad, metadata("Adam"));
        rejectsUnchanged(file, model, adam, "parameter '2.bias' (shape (2,)) holds NaN at element 1",
                "finite values only");
        bad = new LinkedHashMap<>(all);
        bad.put("optimizer/v/0.kernel", all.get("optimizer/v/0.kernel").mul(Double.POSITIVE_INFINITY));
        SafeTensors.write(file, bad, metadata("Adam"));
        rejectsUnchanged(file, model, adam, "optimiser state 'v/0.kernel'", "Infinity at element 0");

        // and save refuses to write what load would refuse, keeping the file that was there
        Checkpoint.save(file, model, adam);
        byte[] before = Files.readAllBytes(file);
        model.parameters().get(0).assign(model.parameters().get(0).value().mul(Double.NEGATIVE_INFINITY));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.save(file, model, adam));
        assertTrue(e.getMessage().contains("parameter '0.kernel' (shape (3, 3)) holds"), e.getMessage());
        assertTrue(e.getMessage().contains("Infinity at element 0"), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was written"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void a_step_count_beyond_two_to_the_32_is_refused() {
        Sequential model = mlp(22, 3);
        Map<String, Tensor> all = checkpointTensors(mlp(23, 3), new Adam());
        Path file = dir.resolve("steps.safetensors");
        all.put("optimizer/iterations", Tensor.scalar(0x1p53));
        SafeTensors.write(file, all, metadata("Adam"));
        // regression: this loaded, and the next Adam step then looped 2^53 times
        rejectsUnchanged(file, model, new Adam(), "'optimizer/iterations' is 9.007199254740992E15",
                "at most 4294967296 (2^32)");
        all.put("optimizer/iterations", Tensor.scalar(0x1p32 + 1));
        SafeTensors.write(file, all, metadata("Adam"));
        rejectsUnchanged(file, model, new Adam(), "4.294967297E9");
        all.put("optimizer/iterations", Tensor.scalar(0x1p32));
        SafeTensors.write(file, all, metadata("Adam"));
        Adam fresh = new Adam();
        Checkpoint.load(file, model, fresh);
        assertEquals(1L << 32, fresh.iterations());
    }

    @Test
    void duplicate_names_cannot_be_saved() {
        Dense d = new Dense(1, 1, new SplittableRandom(0));
        Layer twoLayers = new Layer() {
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
