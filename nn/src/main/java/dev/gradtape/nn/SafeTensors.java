package dev.gradtape.nn;

import dev.gradtape.autodiff.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

/**
 * Reads and writes the safetensors format (Hugging Face), so tensors saved here open in Python
 * ({@code safetensors.numpy.load_file}) and the other way round. A file is:
 * <pre>
 * 8 bytes    N, the header length, unsigned little-endian
 * N bytes    a UTF-8 JSON object starting with '{': {"name": {"dtype": "F64", "shape": [2, 3],
 *            "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}
 * the rest   the data: each tensor's elements row-major, little-endian, at bytes [begin, end)
 *            counted from the start of this section; tensors cover it without gaps or overlap
 * </pre>
 * gradtape writes F64 (every tensor is double), pads the header with spaces to a multiple of 8
 * bytes (as the reference implementation does, so the data is aligned) and reads F64 and F32
 * (widened to double). Writing goes to a temporary file in the same folder, flushed to disk,
 * which is then renamed over the target atomically (and the folder flushed), so a crash leaves
 * either the old file or the new one, never a mixture.
 *
 * <p><b>Integrity.</b> Every file written here carries the CRC32C of its data section in the
 * metadata, as {@value #CHECKSUM_KEY} = 8 lowercase hex digits; reading recomputes it and refuses
 * a file whose data does not match. CRC32C (Castagnoli) catches every single-bit error and every
 * burst of up to 32 bits, which is how storage and copies fail, at memory speed; it guards
 * against accidents, not against someone who edits the file on purpose (they can recompute any
 * unkeyed checksum). Files without the key, written by other tools or by older gradtape, are read
 * unverified. Other readers see one more metadata string and nothing else.
 *
 * <p><b>Limits of the reader.</b> The header may be at most {@value #MAX_HEADER_BYTES} bytes (the
 * reference implementation's limit) and no longer than the file; its JSON is the fixed shape a
 * header has (see {@link Json}), so nesting cannot go deep; a shape has at most
 * {@value Json#MAX_LIST} dimensions. The reader takes the 8-byte length, then the header, checks
 * every entry against the file's size, and only then reads the tensors the header names, in
 * pieces: a sparse or huge file costs no memory, and tensors that could never fit in this JVM's
 * heap ({@link Runtime#maxMemory()}) are refused before any is read.
 */
public final class SafeTensors {
    /** The header key that holds string metadata rather than a tensor. */
    public static final String METADATA_KEY = "__metadata__";
    /** The metadata key of the data section's CRC32C, as 8 lowercase hex digits. */
    public static final String CHECKSUM_KEY = "data_crc32c";
    /** The largest header read (the reference implementation's limit), against corrupt lengths. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    /**
     * Bytes of heap that reading may take per header byte, at most: a header of tiny entries
     * (a few bytes of JSON each, but objects, strings and map entries in memory) measured about
     * 8 for tensors and 25 for metadata strings. Headers that could need more than the heap has are
     * refused before they are parsed, not met by an OutOfMemoryError.
     */
    static final int HEAP_PER_HEADER_BYTE = 32;
    private static final Pattern HEX8 = Pattern.compile("[0-9a-f]{8}");
    /** How much of the data section is read at a time. */
    private static final int CHUNK_BYTES = 1 << 20;

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
     * Writes {@code tensors} as F64, with no metadata but the checksum.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in map order
     */
    public static void write(Path file, Map<String, Tensor> tensors) {
        write(file, tensors, Map.of());
    }

    /**
     * Writes {@code tensors} as F64 in map order, with {@code metadata} (string to string) and the
     * data's checksum in the header, atomically: temporary file in the same folder, flushed to
     * disk, then renamed.
     *
     * @param file the file to write
     * @param tensors the tensors by name, written in map order
     * @param metadata the strings to keep under {@value #METADATA_KEY}
     * @throws IllegalArgumentException if a name is empty or {@value #METADATA_KEY}, or the
     *     metadata holds {@value #CHECKSUM_KEY}, which is the writer's own
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
            syncDirectory(dir);
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

    /**
     * Flushes the folder, so that the rename itself survives a power cut: until then a crash may
     * bring the old file back. Best effort: where a folder cannot be opened (Windows), the rename
     * is still atomic.
     */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // the new file is in place either way
        }
    }

    /** The bytes of a safetensors file holding {@code tensors} as F64, checksum included. */
    static byte[] encode(Map<String, Tensor> tensors, Map<String, String> metadata) {
        Objects.requireNonNull(tensors, "SafeTensors.write: tensors is null");
        Objects.requireNonNull(metadata, "SafeTensors.write: metadata is null");
        if (metadata.containsKey(CHECKSUM_KEY)) {
            throw new IllegalArgumentException("SafeTensors.write: the metadata key " + CHECKSUM_KEY
                    + " is reserved; the writer adds the data's checksum itself");
        }
        Map<String, Map<String, Object>> entries = new LinkedHashMap<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.write: tensor name '" + name
                        + "' is not allowed; use a non-empty name other than " + METADATA_KEY);
            }
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "SafeTensors.write: tensor '"
                    + name + "' is null");
            int[] dims = t.shape().dims();
            if (dims.length > Json.MAX_LIST) {
                throw new IllegalArgumentException("SafeTensors.write: tensor '" + name + "' has "
                        + dims.length + " dimensions; a file holds at most " + Json.MAX_LIST);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", "F64");
            entry.put("shape", Arrays.stream(dims).asLongStream().toArray());
            entry.put("data_offsets", new long[] {offset, offset + 8L * t.size()});
            entries.put(name, entry);
            offset += 8L * t.size();
        }
        if (offset > Integer.MAX_VALUE - 8) {
            throw tooLarge(offset);
        }
        ByteBuffer data = ByteBuffer.allocate((int) offset).order(ByteOrder.LITTLE_ENDIAN);
        for (Tensor t : tensors.values()) {
            for (double x : t.toArray()) {
                data.putDouble(x);
            }
        }
        CRC32C crc = new CRC32C();
        crc.update(data.array());
        Map<String, Object> meta = new LinkedHashMap<>(metadata);
        meta.put(CHECKSUM_KEY, String.format("%08x", crc.getValue()));
        Map<String, Map<String, Object>> header = new LinkedHashMap<>();
        header.put(METADATA_KEY, meta);
        header.putAll(entries);
        byte[] json = Json.writeHeader(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        if (8L + padded + offset > Integer.MAX_VALUE - 8) {
            throw tooLarge(8L + padded + offset);
        }
        ByteBuffer buf = ByteBuffer.allocate(8 + padded + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(padded);
        buf.put(json);
        for (int i = json.length; i < padded; i++) {
            buf.put((byte) ' ');
        }
        buf.put(data.array());
        return buf.array();
    }

    private static IllegalArgumentException tooLarge(long bytes) {
        return new IllegalArgumentException("SafeTensors.write: " + bytes + " bytes is more than"
                + " one file written here can hold (2 GiB)");
    }

    /**
     * Reads every tensor of a safetensors file, in file order.
     *
     * @param file the file to read
     * @return the tensors by name, in file order
     * @throws CheckpointException naming the file and what is wrong if it is truncated, corrupt
     *     or does not follow the format, or if its tensors could never fit in this JVM's heap
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
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(new Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void readFully(long position, ByteBuffer into) throws IOException {
                    long at = position;
                    while (into.hasRemaining()) {
                        int n = ch.read(into, at);
                        if (n < 0) {
                            throw new CheckpointException("SafeTensors.read(" + file + "): the file"
                                    + " ended at byte " + at + " while being read (did it change?)");
                        }
                        at += n;
                    }
                }
            }, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("SafeTensors.read: cannot read " + file + ": " + e, e);
        }
    }

    /** Parses the bytes of a safetensors file; {@code source} names it in messages. */
    static Contents decode(byte[] bytes, String source) {
        try {
            return read(new Source() {
                @Override
                public long size() {
                    return bytes.length;
                }

                @Override
                public void readFully(long position, ByteBuffer into) {
                    into.put(bytes, (int) position, into.remaining());
                }
            }, source);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
    }

    /** Where the bytes come from: a file, or an array in tests. */
    private interface Source {
        long size() throws IOException;

        /** Fills {@code into} from its position to its limit with the bytes from {@code position}. */
        void readFully(long position, ByteBuffer into) throws IOException;
    }

    private static Contents read(Source src, String source) throws IOException {
        String where = "SafeTensors.read(" + source + "): ";
        long size = src.size();
        if (size < 8) {
            throw new CheckpointException(where + "the file has " + size + " bytes, fewer than the"
                    + " 8-byte header length that starts every safetensors file (truncated?)");
        }
        ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.readFully(0, lengthField);
        long n = lengthField.getLong(0);
        if (n < 2 || n > MAX_HEADER_BYTES) {
            throw new CheckpointException(where + "the header length field says "
                    + Long.toUnsignedString(n) + " bytes; a safetensors header is from 2 to "
                    + MAX_HEADER_BYTES + " bytes long, so this file is corrupt or not safetensors");
        }
        if (n > size - 8) {
            throw new CheckpointException(where + "the header length field says " + n
                    + " bytes but " + (size - 8) + " bytes follow it; the file is truncated or"
                    + " not a safetensors file");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (n > heap / HEAP_PER_HEADER_BYTE) {
            throw new CheckpointException(where + "the header is " + n + " bytes, and reading it"
                    + " may take up to " + HEAP_PER_HEADER_BYTE + " times that, more than this JVM's"
                    + " largest heap (" + heap + " bytes); start it with a larger -Xmx to read"
                    + " this file");
        }
        byte[] text = new byte[(int) n];
        src.readFully(8, ByteBuffer.wrap(text));
        if (text[0] != '{') {
            throw new CheckpointException(where + "the header starts with byte 0x"
                    + String.format("%02x", text[0] & 0xff) + "; a safetensors header must start with '{'"
                    + " (0x7b), with no white space before it");
        }
        long dataStart = 8 + n;
        long dataLength = size - dataStart;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        try {
            Json.parseHeader(text, 0, text.length, (key, value) -> {
                if (key.equals(METADATA_KEY)) {
                    readMetadata(where, value, metadata);
                } else {
                    entries.add(Entry.parse(where, key, value, dataLength));
                }
            });
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(where + e.getMessage(), e);
        }
        String checksum = metadata.get(CHECKSUM_KEY);
        if (checksum != null && !HEX8.matcher(checksum).matches()) {
            throw new CheckpointException(where + METADATA_KEY + " " + CHECKSUM_KEY + " is '"
                    + checksum + "'; a CRC32C is written as 8 lowercase hex digits");
        }
        List<Entry> inDataOrder = checkCoverage(where, entries, dataLength);
        long elements = 0;
        for (Entry en : entries) {
            elements += en.count;
        }
        if (elements > (heap - HEAP_PER_HEADER_BYTE * n) / 8) {
            throw new CheckpointException(where + "the tensors hold " + elements + " elements, "
                    + 8 * elements + " bytes as doubles, which with the header would take more than"
                    + " this JVM's largest heap (" + heap + " bytes); start it with a larger -Xmx"
                    + " to read this file");
        }

        // The data, in pieces and in file order, through the checksum into the tensors.
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, dataLength))
                .order(ByteOrder.LITTLE_ENDIAN);
        Map<Entry, Tensor> read = new LinkedHashMap<>();
        for (Entry en : inDataOrder) {
            double[] d = new double[(int) en.count];
            int filled = 0;
            for (long at = en.begin; at < en.end; ) {
                // the rest of the tensor, or 1 MiB (a multiple of both widths): whole elements
                int len = (int) Math.min(chunk.capacity(), en.end - at);
                chunk.clear().limit(len);
                src.readFully(dataStart + at, chunk);
                chunk.flip();
                crc.update(chunk);
                chunk.flip();
                if (en.width == 8) {
                    chunk.asDoubleBuffer().get(d, filled, len / 8);
                } else {
                    for (int i = 0; i < len / 4; i++) {
                        d[filled + i] = chunk.getFloat(4 * i);
                    }
                }
                filled += len / en.width;
                at += len;
            }
            read.put(en, Tensor.of(d, en.shape));
        }
        if (checksum != null && Long.parseLong(checksum, 16) != crc.getValue()) {
            throw new CheckpointException(where + "the data section's CRC32C is "
                    + String.format("%08x", crc.getValue()) + " but " + METADATA_KEY + " "
                    + CHECKSUM_KEY + " says " + checksum + "; the file is corrupt (changed after"
                    + " it was written)");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry en : entries) {
            tensors.put(en.name, read.get(en));
        }
        return new Contents(tensors, metadata);
    }

    private static void readMetadata(String where, Map<String, Object> m, Map<String, String> out) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(where + METADATA_KEY + " entry '" + e.getKey()
                        + "' is not a string; metadata maps strings to strings");
            }
            out.put(e.getKey(), s);
        }
    }

    /**
     * The spec: the tensors' byte ranges tile the data section exactly, with no gaps. Returns the
     * entries in data order.
     */
    private static List<Entry> checkCoverage(String where, List<Entry> entries, long dataLength) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong((Entry en) -> en.begin).thenComparingLong(en -> en.end));
        long expected = 0;
        for (Entry en : sorted) {
            if (en.begin != expected) {
                throw new CheckpointException(where + "tensor '" + en.name + "' occupies bytes ["
                        + en.begin + ", " + en.end + ") but the previous tensor ends at byte "
                        + expected + "; the data must be covered without gaps or overlaps");
            }
            expected = en.end;
        }
        if (expected != dataLength) {
            throw new CheckpointException(where + "the tensors cover " + expected
                    + " bytes of data but the data section holds " + dataLength
                    + "; the file has trailing bytes");
        }
        return sorted;
    }

    /** One header entry, checked against the format. */
    private static final class Entry {
        final String name;
        final int width;
        final int[] shape;
        final long count;
        final long begin;
        final long end;

        private Entry(String name, int width, int[] shape, long count, long begin, long end) {
            this.name = name;
            this.width = width;
            this.shape = shape;
            this.count = count;
            this.begin = begin;
            this.end = end;
        }

        static Entry parse(String where, String name, Map<String, Object> m, long dataLength) {
            String what = where + "tensor '" + name + "': ";
            if (!m.keySet().equals(Set.of("dtype", "shape", "data_offsets"))) {
                throw new CheckpointException(what + "its header entry has keys " + m.keySet()
                        + "; expected exactly dtype, shape and data_offsets");
            }
            if (!(m.get("dtype") instanceof String dtype)) {
                throw new CheckpointException(what + "dtype is " + describe(m.get("dtype"))
                        + "; expected a string, \"F64\" or \"F32\"");
            }
            int width = switch (dtype) {
                case "F64" -> 8;
                case "F32" -> 4;
                default -> throw new CheckpointException(what + "dtype " + dtype
                        + " is not supported; gradtape reads F64 and F32");
            };
            if (!(m.get("shape") instanceof long[] dims)) {
                throw new CheckpointException(what + "shape is " + describe(m.get("shape"))
                        + "; expected a list of dimensions");
            }
            if (!(m.get("data_offsets") instanceof long[] offsets) || offsets.length != 2) {
                throw new CheckpointException(what + "data_offsets is " + describe(m.get("data_offsets"))
                        + "; expected [begin, end]");
            }
            int[] shape = new int[dims.length];
            long count = 1;
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > Integer.MAX_VALUE) {
                    throw new CheckpointException(what + "shape " + Arrays.toString(dims)
                            + " has a dimension above " + Integer.MAX_VALUE + ", the most a"
                            + " tensor can hold");
                }
                shape[i] = (int) dims[i];
                count *= shape[i];
                if (count > Integer.MAX_VALUE) {
                    throw new CheckpointException(what + "shape " + Arrays.toString(dims)
                            + " has more elements than a tensor can hold (" + Integer.MAX_VALUE
                            + ")");
                }
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end) {
                throw new CheckpointException(what + "data_offsets [" + begin + ", " + end
                        + "] run backwards; begin must not exceed end");
            }
            if (end - begin != count * width) {
                throw new CheckpointException(what + "data_offsets [" + begin + ", " + end
                        + "] span " + (end - begin) + " bytes but shape " + Arrays.toString(dims)
                        + " of " + dtype + " needs " + count * width);
            }
            if (end > dataLength) {
                throw new CheckpointException(what + "its data ends at byte " + end
                        + " of the data section but the file holds only " + dataLength
                        + " bytes of data; the file is truncated");
            }
            return new Entry(name, width, shape, count, begin, end);
        }

        private static String describe(Object v) {
            return v instanceof long[] l ? Arrays.toString(l) : "\"" + v + "\"";
        }
    }
}
