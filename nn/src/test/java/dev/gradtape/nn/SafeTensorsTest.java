package dev.gradtape.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.testing.ChildJvm;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
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
        String json = "{\"__metadata__\":{\"k\":\"v\",\"data_crc32c\":\"" + crc32c(bytes, (int) (8 + n))
                + "\"},"
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

    /** The CRC32C of {@code bytes} from {@code from} on, as the writer records it. */
    private static String crc32c(byte[] bytes, int from) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes, from, bytes.length - from);
        return String.format("%08x", crc.getValue());
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
        rejects(file("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]", 16), "ends too early");
        rejects(file("[1, 2]", 0), "start with '{'");
        rejects(file("{\"x\":" + ONE.substring(5, ONE.length() - 1) + ",\"x\":{}}", 16), "\"x\" appears twice");
        byte[] badUtf8 = file("{\"\u00e9\":1}", 0);
        badUtf8[10] = (byte) 0xff;
        rejects(badUtf8, "UTF-8");
        rejects(file("{\"__metadata__\":{\"a\":[1]}}", 0), "__metadata__", "not a string");
        rejects(file("{\"__metadata__\":{\"a\":1}}", 0), "(in \"__metadata__\" / \"a\")", "expected '\"'");
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

    private static Map<String, Map<String, Object>> parse(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        Map<String, Map<String, Object>> header = new LinkedHashMap<>();
        Json.parseHeader(b, 0, b.length, header::put);
        return header;
    }

    private static void invalid(String json, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json), json);
        assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' missing from: " + e.getMessage());
    }

    @Test
    void header_json_reads_escapes_and_whole_numbers_and_nothing_else() {
        Map<String, Map<String, Object>> h = parse("{\"a\\u00e9\\n\\ud83d\\ude00\" :\t{ \"k\" : [1, 0,"
                + " 9223372036854775807 ] , \"s\":\"\\\"\\/\\\\\", \"e\":[]},\"b\":{}}\r\n ");
        assertEquals(List.of("a\u00e9\n\ud83d\ude00", "b"), List.copyOf(h.keySet()));
        Map<String, Object> a = h.get("a\u00e9\n\ud83d\ude00");
        assertArrayEquals(new long[] {1, 0, Long.MAX_VALUE}, (long[]) a.get("k"));
        assertEquals("\"/\\", a.get("s"));
        assertArrayEquals(new long[0], (long[]) a.get("e"));
        assertEquals(Map.of(), h.get("b"));

        invalid(" {}", "expected '{'");
        invalid("{} x", "after the header object");
        invalid("{\"a\":{\"k\":[01]}}", "leading zero");
        invalid("{\"a\":{\"k\":[1.5]}}", "fraction");
        invalid("{\"a\":{\"k\":[1e3]}}", "exponent");
        invalid("{\"a\":{\"k\":[-1]}}", "whole number >= 0");
        invalid("{\"a\":{\"k\":[9223372036854775808]}}", "larger than");
        invalid("{\"a\":{\"k\":true}}", "expected '\"'");
        invalid("{\"a\":{\"k\":[[1]]}}", "(in \"a\" / \"k\")");
        invalid("{\"a\":{\"k\":{}}}", "expected '\"'");
        invalid("{\"a\":1}", "expected '{'");
        invalid("{\"a\":{},\"a\":{}}", "appears twice");
        invalid("{\"a\":{\"k\":\"x\",\"k\":\"y\"}}", "appears twice");
        invalid("{\"a\":{\"k\":\"\\ud800\"}}", "unpaired surrogate");
        invalid("{\"a\":{\"k\":\"\\x\"}}", "escape");
        invalid("{\"a\":{\"k\":\"\\u12\"}}", "four hex digits");
        invalid("{\"a\":{\"k\":\"tab\there\"}}", "control character");
        invalid("{\"a\":{\"k\":\"x\"}", "ends too early");
        StringBuilder long65 = new StringBuilder("{\"a\":{\"shape\":[1");
        for (int i = 1; i < 65; i++) {
            long65.append(",1");
        }
        invalid(long65.append("]}}").toString(), "more than 64 numbers");

        Map<String, Map<String, Object>> written = new LinkedHashMap<>();
        written.put("q\"\\\n\u0001\u00e9", new LinkedHashMap<>(Map.of("shape", new long[] {2, 3})));
        Map<String, Map<String, Object>> back = parse(Json.writeHeader(written));
        assertEquals(written.keySet(), back.keySet());
        assertArrayEquals(new long[] {2, 3}, (long[]) back.values().iterator().next().get("shape"));
    }

    @Test
    void a_header_nesting_lists_thousands_deep_is_an_error_not_a_stack_overflow() {
        // regression: the general parser recursed once per '[' and threw StackOverflowError
        String deep = "{\"x\":{\"shape\":" + "[".repeat(3000) + "]".repeat(3000) + "}}";
        assertTrue(deep.length() > 6000);
        rejects(file(deep, 0), "(in \"x\" / \"shape\")", "expected a whole number");
        String deepObjects = "{\"x\":" + "{\"y\":".repeat(3000) + "\"z\"" + "}".repeat(3001);
        rejects(file(deepObjects, 0), "(in \"x\" / \"y\")", "expected '\"'");
        String deepTop = "[".repeat(3000);
        rejects(file(deepTop, 0), "must start with '{'", "0x5b");
    }

    @Test
    void a_header_that_starts_with_white_space_is_refused() {
        rejects(file(" " + ONE, 16), "header starts with byte 0x20", "start with '{'");
        rejects(file("\n" + ONE, 16), "header starts with byte 0x0a");
    }

    // ---------------------------------------------------------------- huge and sparse files

    private static void rejectsFile(Path file, String... fragments) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> SafeTensors.readContents(file));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** A sparse file of {@code length} bytes (no disk used) that starts with {@code start}. */
    private Path sparse(String name, byte[] start, long length) throws IOException {
        Path file = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(start);
            f.setLength(length);
        }
        return file;
    }

    private static final long THREE_GB = 3L << 30;

    @Test
    void a_huge_sparse_file_is_refused_from_its_header_without_reading_the_rest() throws IOException {
        // regression: the whole file was read into memory first (OutOfMemoryError at 3 GB)
        rejectsFile(sparse("zeros.safetensors", new byte[0], THREE_GB),
                "header length field says 0 bytes", "from 2 to 100000000");
        ByteBuffer huge = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        rejectsFile(sparse("long-header.safetensors", huge.array(), THREE_GB),
                "says 1099511627776 bytes", "from 2 to 100000000");
        ByteBuffer minus = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -8);
        rejectsFile(sparse("minus.safetensors", minus.array(), THREE_GB), "says 18446744073709551608");
        ByteBuffer past = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 99_000_000);
        rejectsFile(sparse("past-end.safetensors", past.array(), 1000), "says 99000000 bytes but 992 bytes follow");
        // a good header and then gigabytes it does not name
        rejectsFile(sparse("trailing.safetensors", file(ONE, 16), THREE_GB), "tensors cover 16 bytes",
                "holds " + (THREE_GB - 8 - ONE.length()), "trailing bytes");
    }

    @Test
    void tensors_that_could_never_fit_in_the_heap_are_refused_before_any_is_read() throws IOException {
        long maxElements = Runtime.getRuntime().maxMemory() / 8;
        int tensors = (int) (maxElements / Integer.MAX_VALUE + 1);
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (int i = 0; i < tensors; i++) {
            long bytes = 8L * Integer.MAX_VALUE;
            header.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F64\",\"shape\":[")
                    .append(Integer.MAX_VALUE).append("],\"data_offsets\":[").append(offset).append(',')
                    .append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] start = file(header.append('}').toString(), 0);
        Path file = sparse("bigger-than-heap.safetensors", start, start.length + offset);
        rejectsFile(file, (long) tensors * Integer.MAX_VALUE + " elements",
                "largest heap (" + Runtime.getRuntime().maxMemory() + " bytes)", "-Xmx");
    }

    /** A header of {@code bytes} bytes made of the smallest metadata entries, dear in memory. */
    private static String tinyMetadata(int bytes) {
        StringBuilder sb = new StringBuilder("{\"__metadata__\":{");
        for (int i = 0; sb.length() < bytes - 8; i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(Integer.toString(i, 36)).append("\":\"\"");
        }
        return sb.append("}}").toString();
    }

    @Test
    void under_a_64_mb_heap_large_headers_and_tensors_are_refused_not_an_out_of_memory_error()
            throws IOException, InterruptedException {
        // regression: a 1 GB file under -Xmx512m threw OutOfMemoryError. Here, in a JVM with 64 MiB:
        // a header of tiny entries just within maxMemory / 32 loads, one beyond is refused, and so
        // is a (sparse) file naming 96 MiB of tensors.
        Path fits = dir.resolve("fits.safetensors");
        Files.write(fits, file(tinyMetadata(1_700_000), 0));
        Path beyond = dir.resolve("beyond.safetensors");
        Files.write(beyond, file(tinyMetadata(2_500_000), 0));
        String big = "{\"w\":{\"dtype\":\"F64\",\"shape\":[12582912],\"data_offsets\":[0,100663296]}}";
        Path tensors = sparse("tensors.safetensors", file(big, 0), 8 + big.length() + 100_663_296L);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", ChildJvm.classPath(ReadUnderSmallHeap.class), ReadUnderSmallHeap.class.getName(),
                fits.toString(), beyond.toString(), tensors.toString()).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, p.waitFor(), String.join("\n", lines));
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("read 0 \\d+"), lines.get(0));
        assertTrue(lines.get(1).startsWith("CheckpointException: ") && lines.get(1).contains("header is 2500"),
                lines.get(1));
        assertTrue(lines.get(1).contains("-Xmx"), lines.get(1));
        assertTrue(lines.get(2).startsWith("CheckpointException: ") && lines.get(2).contains("12582912 elements"),
                lines.get(2));
    }

    // ---------------------------------------------------------------- the checksum

    @Test
    void a_changed_data_byte_fails_the_checksum_and_files_without_one_still_load() throws IOException {
        Path file = dir.resolve("sum.safetensors");
        SafeTensors.write(file, Map.of("w", Tensor.vector(1, 2, 3)));
        byte[] bytes = Files.readAllBytes(file);
        String written = crc32c(bytes, bytes.length - 24);
        bytes[bytes.length - 1] ^= 0x10; // the last value's sign and exponent byte
        Files.write(file, bytes);
        rejectsFile(file, "CRC32C is " + crc32c(bytes, bytes.length - 24), "data_crc32c says " + written,
                "corrupt");
        // a file with no checksum (another writer's, or older gradtape's) is read unverified
        assertEquals(Shape.of(2), SafeTensors.decode(file(ONE, 16), "no-sum").tensors().get("x").shape());
        rejects(file("{\"__metadata__\":{\"data_crc32c\":\"ABCDEF01\"}," + ONE.substring(1), 16),
                "data_crc32c is 'ABCDEF01'", "8 lowercase hex digits");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("w", Tensor.scalar(1)),
                Map.of("data_crc32c", "00000000")));
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
