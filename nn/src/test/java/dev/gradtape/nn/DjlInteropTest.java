package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.util.passthrough.PassthroughNDManager;
import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradtape's safetensors files against an independent implementation: DJL's (ai.djl:api, test
 * scope), with its engine-free {@link PassthroughNDManager}, which holds bytes and needs no native
 * library. DJL reads a checkpoint gradtape saved, and gradtape reads a file DJL wrote.
 */
class DjlInteropTest {
    @TempDir
    Path dir;

    private static final NDManager DJL = PassthroughNDManager.INSTANCE;

    private static double[] doubles(NDArray a) {
        ByteBuffer b = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(d);
        return d;
    }

    private static long[] bits(double[] d) {
        return Arrays.stream(d).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test
    void djl_reads_a_gradtape_checkpoint_names_shapes_dtype_and_every_value() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        Sequential model = new Sequential(new Dense(3, 5, rng), new Tanh(), new Dense(5, 2, rng));
        Adam adam = new Adam(0.01);
        for (int k = 0; k < 3; k++) {
            Tensor x = Tensor.randn(rng, 4, 3);
            Training.step(model, Losses::meanSquaredError, adam, x, x.sum(1, true).broadcastTo(4, 2));
        }
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.save(file, model, adam);
        Map<String, Tensor> expected = new LinkedHashMap<>();
        for (Parameter p : model.parameters()) {
            expected.put(p.name(), p.value());
        }
        for (Map.Entry<String, Tensor> e : adam.state().entrySet()) {
            expected.put("optimizer/" + e.getKey(), e.getValue());
        }

        NDList list = NDList.decode(DJL, Files.readAllBytes(file));
        List<String> names = new ArrayList<>();
        for (NDArray a : list) {
            names.add(a.getName());
        }
        assertEquals(List.copyOf(expected.keySet()), names); // and no entry for __metadata__
        for (NDArray a : list) {
            Tensor t = expected.get(a.getName());
            assertEquals(DataType.FLOAT64, a.getDataType(), a.getName());
            assertArrayEquals(Arrays.stream(t.shape().dims()).asLongStream().toArray(), a.getShape().getShape(),
                    a.getName());
            assertArrayEquals(bits(t.toArray()), bits(doubles(a)), a.getName());
        }
        assertEquals(3.0, doubles(list.get("optimizer/iterations"))[0]);
    }

    @Test
    void gradtape_reads_a_file_djl_wrote() throws IOException {
        double[] w = {1.5, -2.0, 0.1, 1e-300, Double.MIN_VALUE, -0.0};
        ByteBuffer wBytes = ByteBuffer.allocate(8 * w.length).order(ByteOrder.LITTLE_ENDIAN);
        wBytes.asDoubleBuffer().put(w);
        NDArray weight = DJL.create(wBytes, new ai.djl.ndarray.types.Shape(2, 3), DataType.FLOAT64);
        weight.setName("layer.weight");
        float[] f = {0.5f, -3.25f, 1e-30f};
        ByteBuffer fBytes = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
        fBytes.asFloatBuffer().put(f);
        NDArray half = DJL.create(fBytes, new ai.djl.ndarray.types.Shape(3), DataType.FLOAT32);
        half.setName("layer.bias");
        ByteBuffer sBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(0, 42);
        NDArray scalar = DJL.create(sBytes, new ai.djl.ndarray.types.Shape(), DataType.FLOAT64);
        scalar.setName("step");

        byte[] encoded = new NDList(weight, half, scalar).encode(NDList.Encoding.SAFETENSORS);
        long headerLength = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        // DJL does not pad its header, so its data starts unaligned: read at any offset
        assertNotEquals(0, (8 + headerLength) % 8, "the test no longer covers an unaligned data section");
        Path file = dir.resolve("djl.safetensors");
        Files.write(file, encoded);

        SafeTensors.Contents c = SafeTensors.readContents(file);
        assertEquals(List.of("layer.weight", "layer.bias", "step"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of(), c.metadata()); // no checksum: read unverified
        Tensor tw = c.tensors().get("layer.weight");
        assertEquals(Shape.of(2, 3), tw.shape());
        assertArrayEquals(bits(w), bits(tw.toArray()));
        Tensor tb = c.tensors().get("layer.bias");
        assertEquals(Shape.of(3), tb.shape());
        assertArrayEquals(bits(new double[] {0.5f, -3.25f, 1e-30f}), bits(tb.toArray()));
        assertEquals(Shape.SCALAR, c.tensors().get("step").shape());
        assertEquals(42.0, c.tensors().get("step").item());
    }
}
