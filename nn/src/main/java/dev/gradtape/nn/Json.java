package dev.gradtape.nn;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of a safetensors header and nothing more, read from UTF-8 bytes and written back: an
 * object of objects whose values are strings or lists of whole numbers,
 * <pre>
 * {"name": {"dtype": "F64", "shape": [2, 3], "data_offsets": [0, 48]}, ...,
 *  "__metadata__": {"key": "value", ...}}
 * </pre>
 * The grammar has three fixed levels (object, inner object, list), so the reader is a loop per
 * level and no recursion: no input can drive it deeper, and a list in a list is an error at its
 * second {@code [}. Numbers are whole, from 0 to {@link Long#MAX_VALUE} (sizes and offsets);
 * booleans, {@code null}, signs, fractions and exponents are errors, and so are repeated keys.
 * Errors are {@link IllegalArgumentException}s giving the byte and the keys. The caller bounds the
 * text's size.
 */
final class Json {
    /**
     * The most numbers in one list: a shape of rank 64 (NumPy's limit, 32 before NumPy 2) or
     * two offsets. Bounds what one list of ones can make a small header allocate.
     */
    static final int MAX_LIST = 64;

    /** Receives the header's members in file order, each as soon as it is read. */
    interface Members {
        /** One member: its key and its object, whose values are {@link String} or {@code long[]}. */
        void accept(String key, Map<String, Object> value);
    }

    private final byte[] text;
    private final int end;
    private int pos;
    private String outerKey; // the keys being read, for messages
    private String innerKey;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);

    private Json(byte[] text, int from, int to) {
        this.text = text;
        this.pos = from;
        this.end = to;
    }

    /**
     * Parses {@code text[from, to)}: a header object starting at {@code from} (no white space
     * before it), white space allowed between tokens and after it.
     */
    static void parseHeader(byte[] text, int from, int to, Members out) {
        Json p = new Json(text, from, to);
        Set<String> seen = new HashSet<>();
        p.expect('{');
        if (!p.closes('}')) {
            do {
                p.outerKey = p.key(seen);
                seen.add(p.outerKey);
                out.accept(p.outerKey, p.inner());
                p.outerKey = null;
            } while (p.more('}'));
        }
        p.skipSpace();
        if (p.pos != p.end) {
            throw p.error("unexpected text after the header object");
        }
    }

    private Map<String, Object> inner() {
        Map<String, Object> map = new LinkedHashMap<>(4);
        expect('{');
        if (!closes('}')) {
            do {
                innerKey = key(map.keySet());
                map.put(innerKey, peek() == '[' ? numbers() : string());
                innerKey = null;
            } while (more('}'));
        }
        return map;
    }

    private long[] numbers() {
        long[] out = new long[MAX_LIST];
        int n = 0;
        expect('[');
        if (!closes(']')) {
            do {
                if (n == MAX_LIST) {
                    throw error("a list holds more than " + MAX_LIST + " numbers");
                }
                skipSpace();
                out[n++] = number();
            } while (more(']'));
        }
        return Arrays.copyOf(out, n);
    }

    /** A whole number >= 0: "0", or a digit 1-9 and more digits. */
    private long number() {
        int start = pos;
        long v = 0;
        for (; pos < end && text[pos] >= '0' && text[pos] <= '9'; pos++) {
            if (v > (Long.MAX_VALUE - (text[pos] - '0')) / 10) {
                throw error("the number is larger than " + Long.MAX_VALUE);
            }
            v = 10 * v + text[pos] - '0';
        }
        if (pos == start) {
            throw error("expected a whole number >= 0");
        }
        if (text[start] == '0' && pos - start > 1) {
            throw error("a number may not have a leading zero");
        }
        if (pos < end && (text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E')) {
            throw error("expected a whole number >= 0, without a fraction or exponent");
        }
        return v;
    }

    /** A key not in {@code taken}, and the ':' after it. */
    private String key(Set<String> taken) {
        skipSpace();
        String key = string();
        if (taken.contains(key)) {
            throw error("the key \"" + key + "\" appears twice");
        }
        skipSpace();
        expect(':');
        skipSpace();
        return key;
    }

    /** A string: its UTF-8 checked strictly, with the escapes of RFC 8259. */
    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            int run = pos;
            while (pos < end && text[pos] != '"' && text[pos] != '\\' && (text[pos] & 0xff) >= 0x20) {
                pos++;
            }
            try {
                sb.append(utf8.decode(ByteBuffer.wrap(text, run, pos - run)));
            } catch (CharacterCodingException e) {
                pos = run;
                throw error("a string is not valid UTF-8");
            }
            int c = next();
            if (c == '"') {
                break;
            } else if (c != '\\') {
                pos--;
                throw error("a control character (byte " + c + ") in a string; it must be escaped");
            }
            int e = next();
            switch (e) {
                case '"', '\\', '/' -> sb.append((char) e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> throw error("the escape '\\" + (char) e + "' does not exist in JSON");
            }
        }
        for (int i = 0; i < sb.length(); i++) { // \\u escapes may leave half a surrogate pair
            if (Character.isHighSurrogate(sb.charAt(i)) && i + 1 < sb.length()
                    && Character.isLowSurrogate(sb.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(sb.charAt(i))) {
                throw error("a string holds an unpaired surrogate \\u" + Integer.toHexString(sb.charAt(i)));
            }
        }
        return sb.toString();
    }

    private char hex4() {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(next(), 16);
            if (d < 0) {
                throw error("a \\u escape needs four hex digits");
            }
            v = 16 * v + d;
        }
        return (char) v;
    }

    /** After an opening bracket: true (and past it) if {@code close} follows at once. */
    private boolean closes(char close) {
        skipSpace();
        if (peek() == close) {
            pos++;
            return true;
        }
        return false;
    }

    /** After a value: true past a ',', false past {@code close}. */
    private boolean more(char close) {
        skipSpace();
        if (peek() == ',') {
            pos++;
            return true;
        }
        expect(close);
        return false;
    }

    private void skipSpace() {
        while (pos < end && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n' || text[pos] == '\r')) {
            pos++;
        }
    }

    private int peek() {
        if (pos >= end) {
            throw error("the header ends too early");
        }
        return text[pos] & 0xff;
    }

    private int next() {
        int c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        int b = peek();
        if (b != c) {
            throw error("expected '" + c + "' but found " + (b >= 0x20 && b < 0x7f ? "'" + (char) b + "'"
                    : "byte " + b));
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        String in = outerKey == null ? "" : " (in \"" + outerKey + "\"" + (innerKey == null ? ""
                : " / \"" + innerKey + "\"") + ")";
        return new IllegalArgumentException("invalid header JSON at byte " + pos + in + ": " + what);
    }

    /** Writes a header of the shape {@link #parseHeader} reads, compactly (no white space). */
    static String writeHeader(Map<String, ? extends Map<String, ?>> header) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, ? extends Map<String, ?>> outer : header.entrySet()) {
            quote(sb.append(sb.length() > 1 ? "," : ""), outer.getKey()).append(":{");
            int at = sb.length();
            for (Map.Entry<String, ?> e : outer.getValue().entrySet()) {
                quote(sb.append(sb.length() > at ? "," : ""), e.getKey()).append(':');
                if (e.getValue() instanceof String s) {
                    quote(sb, s);
                } else if (e.getValue() instanceof long[] l) {
                    sb.append(Arrays.toString(l).replace(" ", ""));
                } else {
                    throw new IllegalArgumentException("Json.writeHeader: cannot write " + e.getValue()
                            + "; a header value is a string or a long[]");
                }
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return sb.append('"');
    }
}
