package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    /**
     * golden.safetensors was written byte by byte from the format's specification (not by this
     * code): the 8-byte little-endian length 280; the header
     * {"__metadata__":{"source":"written by hand"},
     *  "bias":{"dtype":"F64","shape":[2],"data_offsets":[32,48]},
     *  "weight":{"dtype":"F64","shape":[2,2],"data_offsets":[0,32]},
     *  "step":{"dtype":"F64","shape":[],"data_offsets":[48,56]},
     *  "half":{"dtype":"F32","shape":[3],"data_offsets":[56,68]}}
     * (without the line breaks) padded with spaces to 280 bytes; then little-endian data:
     * weight 1.5, -2.0, 0.1, 1e-300; bias -0.0, 3.25; step 7.0; half (F32) 1.0, -0.5, 2.5.
     * The header lists the tensors out of data order, so reading must follow the offsets.
     */
    @Test
    void golden_file_loads_to_the_right_values() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getResourceAsStream("golden.safetensors")) {
            bytes = in.readAllBytes();
        }
        assertEquals(8 + 280 + 68, bytes.length);
        SafeTensors.Contents c = SafeTensors.decode(bytes, "golden.safetensors");
        assertEquals(List.of("bias", "weight", "step", "half"), List.copyOf(c.tensors().keySet()));
        assertEquals(Map.of("source", "written by hand"), c.metadata());
        Tensor w = c.tensors().get("weight");
        assertEquals(Shape.of(2, 2), w.shape());
        assertBits(new double[] {1.5, -2.0, 0.1, 1e-300}, w.toArray());
        assertBits(new double[] {-0.0, 3.25}, c.tensors().get("bias").toArray());
        Tensor step = c.tensors().get("step");
        assertEquals(Shape.SCALAR, step.shape());
        assertEquals(7.0, step.item());
        assertBits(new double[] {1.0, -0.5, 2.5}, c.tensors().get("half").toArray());
    }

    private static void assertBits(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    "element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void a_written_file_follows_the_spec() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("b\"q", Tensor.scalar(-0.5));
        Path file = dir.resolve("out.safetensors");
        SafeTensors.write(file, tensors, Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        assertEquals(0, (8 + n) % 8, "the data starts 8-byte aligned");
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        String json = "{\"__metadata__\":{\"k\":\"v\"},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,48]},"
                + "\"b\\\"q\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[48,56]}}";
        assertEquals(json, header.stripTrailing());
        assertTrue(header.substring(json.length()).isBlank(), "padding is spaces");
        assertEquals(8 + n + 56, bytes.length);
        for (int i = 0; i < 6; i++) {
            assertEquals(i + 1.0, buf.getDouble((int) (8 + n + 8 * i)));
        }
        assertEquals(-0.5, buf.getDouble((int) (8 + n + 48)));
    }

    @Test
    void round_trip_is_bit_identical() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("odd", Tensor.vector(Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.MIN_VALUE,
                Math.PI, -Double.MAX_VALUE));
        tensors.put("scalar", Tensor.scalar(0.1));
        tensors.put("empty", Tensor.zeros(0, 3));
        tensors.put("ünïcode/name", Tensor.randn(3, 2, 2, 2));
        Path file = dir.resolve("rt.safetensors");
        SafeTensors.write(file, tensors);
        Map<String, Tensor> back = SafeTensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(back.keySet()));
        for (String k : tensors.keySet()) {
            assertTrue(tensors.get(k).valueEquals(back.get(k)), k);
        }
    }

    @Test
    void writing_replaces_the_file_and_leaves_no_temporary() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafeTensors.write(file, Map.of("x", Tensor.scalar(1)));
        SafeTensors.write(file, Map.of("x", Tensor.scalar(2)));
        assertEquals(2.0, SafeTensors.read(file).get("x").item());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList());
        }
    }

    @Test
    void a_failed_write_leaves_the_target_and_no_temporary() throws IOException {
        // the rename cannot replace a non-empty directory, so the write fails at the last step
        Path target = dir.resolve("busy");
        Files.createDirectory(target);
        Files.writeString(target.resolve("keep.txt"), "keep");
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> SafeTensors.write(target, Map.of("x", Tensor.scalar(1))));
        assertTrue(e.getMessage().contains("busy"), e.getMessage());
        assertEquals("keep", Files.readString(target.resolve("keep.txt")));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(target), s.toList());
        }
    }

    @Test
    void bad_names_are_refused() {
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("n"), Map.of("", Tensor.scalar(1))));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.write(dir.resolve("n"), Map.of("__metadata__", Tensor.scalar(1))));
    }

    // ---------------------------------------------------------------- corrupt input

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length
                + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h);
        return buf.array();
    }

    private static void rejects(byte[] bytes, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> SafeTensors.decode(bytes, "bad.safetensors"));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    }

    private static final String ONE = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";

    @Test
    void a_well_formed_helper_file_is_accepted() {
        assertEquals(Shape.of(2), SafeTensors.decode(file(ONE, 16), "ok").tensors().get("x").shape());
    }

    @Test
    void truncated_files_are_named_as_such() {
        rejects(new byte[5], "fewer than the 8-byte header length");
        byte[] good = file(ONE, 16);
        rejects(Arrays.copyOf(good, 20), "header length field says", "truncated");
        rejects(Arrays.copyOf(good, good.length - 3), "tensor 'x'", "truncated");
    }

    @Test
    void corrupt_headers_are_rejected() {
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]", 16), "not valid JSON");
        rejects(file("[1, 2]", 0), "not a JSON object");
        rejects(file("{\"x\":1,\"x\":2}", 0), "duplicate key");
        byte[] badUtf8 = file("{\"\u00e9\":1}", 0);
        badUtf8[10] = (byte) 0xff;
        rejects(badUtf8, "UTF-8");
        rejects(file("{\"__metadata__\":{\"a\":1}}", 0), "__metadata__", "not a string");
        rejects(file("{\"x\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4),
                "dtype BF16 is not supported");
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[-2],\"data_offsets\":[0,16]}}", 16), "shape");
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16),
                "span 16 bytes", "needs 24");
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[2]}}", 16), "expected exactly dtype");
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[16,0]}}", 16), "backwards");
    }

    @Test
    void gaps_overlaps_and_trailing_bytes_are_rejected() {
        String gap = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        rejects(file(gap, 16), "tensor 'x'", "gaps or overlaps");
        String overlap = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"y\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        rejects(file(overlap, 16), "gaps or overlaps");
        rejects(file(ONE, 24), "trailing bytes");
    }

    @Test
    void json_reader_handles_escapes_and_numbers() {
        Object v = Json.parse(" {\"a\\u00e9\\n\": [1, -2.5e3, true, null, \"\\\"\"]} ");
        assertEquals(Map.of("a\u00e9\n", Arrays.asList(1L, -2500.0, true, null, "\"")), v);
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":01}"));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{} x"));
        assertArrayEquals(new Object[] {"x"}, ((List<?>) Json.parse(Json.write(List.of("x")))).toArray());
    }

    @Test
    void a_written_file_is_readable_by_others_like_any_ordinary_file() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.vector(1, 2)));
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // regression: the temporary file's private permissions used to carry over (rw-------)
            assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)));
        }
        assertArrayEquals(new double[] {1, 2}, SafeTensors.read(file).get("w").toArray());
    }
}
