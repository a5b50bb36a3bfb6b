package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes the safetensors format (Hugging Face), so tensors saved here open in Python
 * ({@code safetensors.numpy.load_file}) and the other way round. A file is:
 * <pre>
 * 8 bytes    N, the header length, unsigned little-endian
 * N bytes    a UTF-8 JSON object: {"name": {"dtype": "F64", "shape": [2, 3],
 *            "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}
 * the rest   the data: each tensor's elements row-major, little-endian, at bytes [begin, end)
 *            counted from the start of this section; tensors cover it without gaps or overlap
 * </pre>
 * gradtape writes F64 (every tensor is double), pads the header with spaces to a multiple of 8
 * bytes (as the reference implementation does, so the data is aligned) and reads F64 and F32
 * (widened to double). Writing goes to a temporary file in the same folder which is then renamed
 * over the target atomically, so a crash leaves either the old file or the new one, never a
 * mixture.
 */
public final class SafeTensors {
    /** The header key that holds string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";
    /** The largest header read (the reference implementation's limit), against corrupt lengths. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private SafeTensors() {
    }

    /**
     * Tensors and string metadata, both in file order.
     *
     * @param tensors the tensors by name
     * @param metadata the {@value #METADATA_KEY} strings by key
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        /**
         * Keeps unmodifiable copies.
         *
         * @param tensors the tensors by name, in file order
         * @param metadata the header's {@value #METADATA_KEY} strings
         */
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Writes {@code tensors} as F64, with no metadata.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in map order
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F64 in map order, with {@code metadata} (string to string) in the
     * header, atomically: temporary file in the same folder, flushed to disk, then renamed.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in map order
     * @param metadata the strings to keep under {@value #METADATA_KEY}
     * @throws IllegalArgumentException if a name is empty or {@value #METADATA_KEY}
     * @throws UncheckedIOException if the file cannot be written; the target is then unchanged
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(file, "SafeTensors.write: file is null");
        byte[] bytes = encode(tensors, metadata);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // createTempFile makes the file private (rw-------); a checkpoint is an ordinary file
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true); // the data is on disk before the rename makes it visible
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("SafeTensors.write: cannot write " + file + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that exception is the one to report
                }
            }
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} as F64. */
    static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "SafeTensors.write: tensors is null");
        Objects.requireNonNull(metadata, "SafeTensors.write: metadata is null");
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA_KEY, new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.write: tensor name '" + name
                        + "' is not allowed; use a non-empty name other than " + METADATA_KEY);
            }
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "SafeTensors.write: tensor '"
                    + name
                    + "' is null");
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape().dims()) {
                shape.add((long) d);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F64");
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + 8L * t.size()));
            header.put(name, entry);
            offset += 8L * t.size();
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        long total = 8L + padded + offset;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SafeTensors.write: " + total + " bytes is more than"
                    + " one file written here can hold (2 GiB)");
        }
        ByteBuffer buf = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        for (Tensor t : tensors.values()) {
            for (double x : t.toArray()) {
                buf.putDouble(x);
            }
        }
        return buf.array();
    }

    /**
     * Reads every tensor of a safetensors file, in file order.
     *
     * @param file the file to read
     * @return the tensors by name, in file order
     * @throws CheckpointException naming the file and what is wrong if it is truncated or does
     *     not follow the format
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Map<String, Tensor> read(Path file) {
        return readContents(file).tensors();
    }

    /**
     * Reads the tensors and the {@value #METADATA_KEY} strings of a safetensors file.
     *
     * @param file the file to read
     * @return the tensors, in file order, and the metadata strings
     */
    public static Contents readContents(Path file) {
        Objects.requireNonNull(file, "SafeTensors.read: file is null");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("SafeTensors.read: cannot read " + file + ": " + e, e);
        }
        return decode(bytes, file.toString());
    }

    /** Parses the bytes of a safetensors file; {@code source} names it in messages. */
    static Contents decode(byte[] bytes, String source) {
        String where = "SafeTensors.read(" + source + "): ";
        if (bytes.length < 8) {
            throw new CheckpointException(where + "the file has " + bytes.length
                    + " bytes, fewer than"
                    + " the 8-byte header length that starts every safetensors file (truncated?)");
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES || n > bytes.length - 8L) {
            throw new CheckpointException(where + "the header length field says "
                    + Long.toUnsignedString(n)
                    + " bytes but " + (bytes.length - 8)
                    + " bytes follow it; the file is truncated or"
                    + " not a safetensors file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 8, (int) n)).toString();
        } catch (CharacterCodingException e) {
            throw new CheckpointException(where + "the header is not valid UTF-8", e);
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + "the header is not valid JSON: "
                    + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> header)) {
            throw new CheckpointException(where + "the header is not a JSON object");
        }
        int dataStart = 8 + (int) n;
        long dataLength = bytes.length - (long) dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : header.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                readMetadata(where, e.getValue(), metadata);
            } else {
                entries.add(Entry.parse(where, name, e.getValue(), dataLength));
            }
        }
        checkCoverage(where, entries, dataLength);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            tensors.put(en.name, en.read(buf, dataStart));
        }
        return new Contents(tensors, metadata);
    }

    private static void readMetadata(String where, Object value, Map<String, String> out) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException(where + METADATA_KEY + " is not a JSON object");
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(where + METADATA_KEY + " entry '" + e.getKey()
                        + "' is not a string; metadata maps strings to strings");
            }
            out.put((String) e.getKey(), s);
        }
    }

    /** The spec: the tensors' byte ranges tile the data section exactly, with no gaps. */
    private static void checkCoverage(String where, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong((Entry en) -> en.begin).thenComparingLong(en -> en.end));
        long expected = 0;
        for (Entry en : sorted) {
            if (en.begin != expected) {
                throw new CheckpointException(where + "tensor '" + en.name + "' occupies bytes ["
                        + en.begin + ", " + en.end + ") but the previous tensor ends at byte "
                        + expected
                        + "; the data must be covered without gaps or overlaps");
            }
            expected = en.end;
        }
        if (expected != dataLength) {
            throw new CheckpointException(where + "the tensors cover " + expected
                    + " bytes of data but"
                    + " the data section holds " + dataLength + "; the file has trailing bytes");
        }
    }

    /** One header entry, checked against the format. */
    private static final class Entry {
        final String name;
        final String dtype;
        final int[] shape;
        final long begin;
        final long end;

        private Entry(String name, String dtype, int[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }

        static Entry parse(String where, String name, Object value, long dataLength) {
            String what = where + "tensor '" + name + "': ";
            if (!(value instanceof Map<?, ?> m)) {
                throw new CheckpointException(what + "its header entry is not a JSON object");
            }
            if (!m.keySet().equals(java.util.Set.of("dtype", "shape", "data_offsets"))) {
                throw new CheckpointException(what + "its header entry has keys " + m.keySet()
                        + "; expected exactly dtype, shape and data_offsets");
            }
            if (!(m.get("dtype") instanceof String dtype)) {
                throw new CheckpointException(what + "dtype is not a string");
            }
            int width = switch (dtype) {
                case "F64" -> 8;
                case "F32" -> 4;
                default -> throw new CheckpointException(what + "dtype " + dtype
                        + " is not supported; gradtape reads F64 and F32");
            };
            int[] shape = ints(what + "shape", m.get("shape"));
            long[] offsets = longs(what + "data_offsets", m.get("data_offsets"));
            long count = 1;
            for (int d : shape) {
                count *= d;
                if (count > Integer.MAX_VALUE) {
                    throw new CheckpointException(what + "shape " + java.util.Arrays.toString(shape)
                            + " has more elements than a tensor can hold");
                }
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new CheckpointException(what + "data_offsets [" + begin + ", " + end
                        + "] run backwards");
            }
            if (end - begin != count * width) {
                throw new CheckpointException(what + "data_offsets [" + begin + ", " + end
                        + "] span "
                        + (end - begin) + " bytes but shape " + java.util.Arrays.toString(shape)
                        + " of "
                        + dtype + " needs " + count * width);
            }
            if (end > dataLength) {
                throw new CheckpointException(what + "its data ends at byte " + end
                        + " of the data section"
                        + " but the file holds only " + dataLength
                        + " bytes of data; the file is truncated");
            }
            return new Entry(name, dtype, shape, begin, end);
        }

        Tensor read(ByteBuffer buf, int dataStart) {
            int count = (int) ((end - begin) / (dtype.equals("F64") ? 8 : 4));
            double[] d = new double[count];
            int at = dataStart + (int) begin;
            for (int i = 0; i < count; i++) {
                d[i] = dtype.equals("F64") ? buf.getDouble(at + 8 * i) : buf.getFloat(at + 4 * i);
            }
            return Tensor.of(d, shape);
        }

        private static long[] longs(String what, Object v) {
            if (!(v instanceof List<?> l) || l.size() != 2) {
                throw new CheckpointException(what + " is " + v + "; expected [begin, end]");
            }
            long[] out = new long[2];
            for (int i = 0; i < 2; i++) {
                if (!(l.get(i) instanceof Long x) || x < 0) {
                    throw new CheckpointException(what + " is " + v
                            + "; expected two whole numbers >= 0");
                }
                out[i] = x;
            }
            return out;
        }

        private static int[] ints(String what, Object v) {
            if (!(v instanceof List<?> l)) {
                throw new CheckpointException(what + " is " + v
                        + "; expected a list of dimensions");
            }
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(l.get(i) instanceof Long x) || x < 0 || x > Integer.MAX_VALUE) {
                    throw new CheckpointException(what + " is " + v
                            + "; dimensions must be whole numbers"
                            + " from 0 to " + Integer.MAX_VALUE);
                }
                out[i] = (int) (long) x;
            }
            return out;
        }
    }
}
