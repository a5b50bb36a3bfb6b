package dev.gradtape.nn;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The JSON of a safetensors header, and nothing more: an object of objects whose values are
 * strings or lists of whole numbers,
 * <pre>
 * {"name": {"dtype": "F64", "shape": [2, 3], "data_offsets": [0, 48]}, ...,
 *  "__metadata__": {"key": "value", ...}}
 * </pre>
 * read from UTF-8 bytes and written back. The grammar is fixed at three levels (object, inner
 * object, list), so the reader is three nested loops, not a recursive descent: no input can drive
 * it deeper, and a list nested in a list is an error at its second {@code [}. Numbers are whole
 * and non-negative (as the header's sizes and offsets are), up to {@link Long#MAX_VALUE}; booleans,
 * {@code null}, fractions and exponents are errors. Keys must be unique. Every error is an
 * {@link IllegalArgumentException} giving the byte position and the key it was in. The caller
 * bounds the size of the text.
 */
final class Json {
    /**
     * The most numbers in one list: a shape of rank 64 (NumPy's limit, 32 before NumPy 2) or
     * fewer, or two offsets. Bounds what one list of ones can make a small header allocate.
     */
    static final int MAX_LIST = 64;

    private final byte[] text;
    private final int end;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;
    /** The keys being read, for messages. */
    private String outerKey;
    private String innerKey;

    private Json(byte[] text, int from, int to) {
        this.text = text;
        this.pos = from;
        this.end = to;
    }

    /** Receives the header's members one by one, in file order, as they are read. */
    interface Members {
        /** One member: its key, and its object (values {@link String} or {@code long[]}). */
        void accept(String key, Map<String, Object> value);
    }

    /**
     * Parses {@code text[from, to)}: one header object starting at {@code from}, white space
     * allowed after it and between tokens, handing each member to {@code out} as soon as it is
     * read (so a caller keeps what it needs of each, not the whole tree).
     */
    static void parseHeader(byte[] text, int from, int to, Members out) {
        new Json(text, from, to).header(out);
    }

    /** The whole header as a map in file order; for tests and small headers. */
    static Map<String, Map<String, Object>> parseHeader(byte[] text, int from, int to) {
        Map<String, Map<String, Object>> header = new LinkedHashMap<>();
        parseHeader(text, from, to, header::put);
        return header;
    }

    private void header(Members out) {
        Set<String> keys = new HashSet<>();
        expect('{'); // the format: the header starts with '{', no white space before it
        skipSpace();
        if (peek() != '}') {
            while (true) {
                skipSpace();
                outerKey = string();
                if (!keys.add(outerKey)) {
                    throw error("the key \"" + outerKey + "\" appears twice");
                }
                skipSpace();
                expect(':');
                skipSpace();
                out.accept(outerKey, inner());
                outerKey = null;
                skipSpace();
                if (peek() == '}') {
                    break;
                }
                expect(',');
            }
        }
        pos++; // }
        skipSpace();
        if (pos != end) {
            throw error("unexpected text after the header object");
        }
    }

    private Map<String, Object> inner() {
        Map<String, Object> map = new LinkedHashMap<>(4);
        expect('{');
        skipSpace();
        if (peek() != '}') {
            while (true) {
                skipSpace();
                innerKey = string();
                if (map.containsKey(innerKey)) {
                    throw error("the key \"" + innerKey + "\" appears twice");
                }
                skipSpace();
                expect(':');
                skipSpace();
                map.put(innerKey, peek() == '[' ? numbers() : string());
                innerKey = null;
                skipSpace();
                if (peek() == '}') {
                    break;
                }
                expect(',');
            }
        }
        pos++; // }
        return map;
    }

    private long[] numbers() {
        pos++; // [
        long[] out = new long[4];
        int n = 0;
        skipSpace();
        if (peek() != ']') {
            while (true) {
                skipSpace();
                if (n == MAX_LIST) {
                    throw error("a list holds more than " + MAX_LIST + " numbers");
                }
                if (n == out.length) {
                    out = java.util.Arrays.copyOf(out, 2 * n);
                }
                out[n++] = number();
                skipSpace();
                if (peek() == ']') {
                    break;
                }
                expect(',');
            }
        }
        pos++; // ]
        return java.util.Arrays.copyOf(out, n);
    }

    /** A whole number >= 0: "0" or a digit 1-9 and more digits. */
    private long number() {
        int start = pos;
        long v = 0;
        while (pos < end && text[pos] >= '0' && text[pos] <= '9') {
            int digit = text[pos] - '0';
            if (v > (Long.MAX_VALUE - digit) / 10) {
                throw error("the number is larger than " + Long.MAX_VALUE);
            }
            v = 10 * v + digit;
            pos++;
        }
        if (pos == start) {
            throw error("expected a whole number >= 0");
        }
        if (text[start] == '0' && pos - start > 1) {
            pos = start;
            throw error("a number may not have a leading zero");
        }
        if (pos < end && (text[pos] == '.' || text[pos] == 'e' || text[pos] == 'E')) {
            throw error("expected a whole number >= 0, without a fraction or exponent");
        }
        return v;
    }

    /** A string: UTF-8 bytes checked strictly, and the escapes of RFC 8259. */
    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            int run = pos;
            while (pos < end && text[pos] != '"' && text[pos] != '\\' && (text[pos] & 0xff) >= 0x20) {
                pos++;
            }
            if (pos > run) {
                try {
                    CharBuffer chars = utf8.decode(ByteBuffer.wrap(text, run, pos - run));
                    sb.append(chars);
                } catch (CharacterCodingException e) {
                    pos = run;
                    throw error("a string is not valid UTF-8");
                }
            }
            char c = (char) next();
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                pos--;
                throw error("a control character (byte " + (int) c + ") in a string; it must be escaped");
            }
            char e = (char) next();
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> sb.append(hex4());
                default -> {
                    pos--;
                    throw error("the escape '\\" + e + "' does not exist in JSON");
                }
            }
        }
        String s = sb.toString();
        for (int i = 0; i < s.length(); i++) {
            // only \\u escapes can make these: a surrogate must be half of a pair, high then low
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw error("a string holds an unpaired surrogate \\u" + Integer.toHexString(c));
            }
        }
        return s;
    }

    private char hex4() {
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(next(), 16);
            if (d < 0) {
                pos--;
                throw error("a \\u escape needs four hex digits");
            }
            v = 16 * v + d;
        }
        return (char) v;
    }

    private void skipSpace() {
        while (pos < end && (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n'
                || text[pos] == '\r')) {
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
        if (peek() != c) {
            int b = peek();
            throw error("expected '" + c + "' but found " + (b >= 0x20 && b < 0x7f
                    ? "'" + (char) b + "'" : "byte " + b)
                    + (c == '"' && b == '[' ? " (a header value nests no deeper than a list)" : ""));
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        String in = outerKey == null ? "" : innerKey == null ? " (in \"" + outerKey + "\")"
                : " (in \"" + outerKey + "\" / \"" + innerKey + "\")";
        return new IllegalArgumentException("invalid header JSON at byte " + pos + in + ": " + what);
    }

    // ---------------------------------------------------------------- writing

    /**
     * The header of {@link #parseHeader} (inner values {@link String} or {@code long[]}), written
     * compactly (no spaces).
     */
    static String writeHeader(Map<String, ? extends Map<String, ?>> header) {
        StringBuilder sb = new StringBuilder("{");
        String comma = "";
        for (Map.Entry<String, ? extends Map<String, ?>> outer : header.entrySet()) {
            sb.append(comma);
            comma = ",";
            quote(sb, outer.getKey());
            sb.append(":{");
            String innerComma = "";
            for (Map.Entry<String, ?> e : outer.getValue().entrySet()) {
                sb.append(innerComma);
                innerComma = ",";
                quote(sb, e.getKey());
                sb.append(':');
                if (e.getValue() instanceof String s) {
                    quote(sb, s);
                } else if (e.getValue() instanceof long[] l) {
                    sb.append('[');
                    for (int i = 0; i < l.length; i++) {
                        sb.append(i == 0 ? "" : ",").append(l[i]);
                    }
                    sb.append(']');
                } else {
                    throw new IllegalArgumentException("Json.writeHeader: cannot write " + e.getValue()
                            + "; a header value is a string or a list of whole numbers");
                }
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
