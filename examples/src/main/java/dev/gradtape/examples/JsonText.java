package dev.gradtape.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of {@code run.json}: objects (kept in order), arrays, strings, numbers, booleans and
 * null, written indented and read back. A number is read as its text ({@link JsonNumber}), so a seed
 * or a learning rate comes back exactly as it was written; doubles are written with
 * {@link Double#toString}, the shortest text that reads back to the same double. Reading is
 * bounded: at most {@link #MAX_CHARS} characters and {@link #MAX_DEPTH} nested levels, so a
 * hostile file is refused rather than exhausting the stack or the heap.
 */
final class JsonText {
    /** The longest text read, far above any run.json. */
    static final int MAX_CHARS = 1 << 20;
    /** The deepest nesting read; run.json has two levels. */
    static final int MAX_DEPTH = 8;

    /** A JSON number, kept as the text it was read from. */
    record JsonNumber(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private final String s;
    private int i;

    private JsonText(String s) {
        this.s = s;
    }

    /** {@code value} as JSON text, objects indented by two spaces, ending in a newline. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, "");
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, String indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            String inner = indent + "  ";
            int n = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(inner);
                quote(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), inner);
                sb.append(++n < m.size() ? ",\n" : "\n");
            }
            sb.append(indent).append('}');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int k = 0; k < l.size(); k++) {
                sb.append(k > 0 ? ", " : "");
                write(sb, l.get(k), indent);
            }
            sb.append(']');
        } else if (v instanceof Boolean || v instanceof JsonNumber) {
            sb.append(v);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                sb.append(d);
            } else {
                quote(sb, Double.toString(d)); // JSON has no NaN or Infinity
            }
        } else if (v instanceof Number n) {
            sb.append(n.longValue());
        } else {
            quote(sb, v.toString());
        }
    }

    private static void quote(StringBuilder sb, String text) {
        sb.append('"');
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
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

    /**
     * Reads one JSON value: a {@code Map<String, Object>}, a {@code List<Object>}, a String, a
     * {@link JsonNumber}, a Boolean or null.
     *
     * @throws IllegalArgumentException saying where the text stops being JSON
     */
    static Object parse(String text) {
        if (text.length() > MAX_CHARS) {
            throw new IllegalArgumentException("longer than " + MAX_CHARS + " characters");
        }
        JsonText p = new JsonText(text);
        Object v = p.value(0);
        p.space();
        if (p.i != text.length()) {
            throw p.error("text after the value");
        }
        return v;
    }

    private Object value(int depth) {
        space();
        if (i >= s.length()) {
            throw error("the text ends where a value should be");
        }
        char c = s.charAt(i);
        if (c == '{' || c == '[') {
            if (depth >= MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            return c == '{' ? object(depth + 1) : array(depth + 1);
        }
        if (c == '"') {
            return string();
        }
        if (s.startsWith("true", i)) {
            i += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", i)) {
            i += 5;
            return Boolean.FALSE;
        }
        if (s.startsWith("null", i)) {
            i += 4;
            return null;
        }
        return number();
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        i++; // {
        space();
        if (peek() == '}') {
            i++;
            return m;
        }
        while (true) {
            space();
            if (peek() != '"') {
                throw error("expected a quoted name");
            }
            String key = string();
            space();
            expect(':');
            if (m.containsKey(key)) {
                throw error("the name \"" + key + "\" appears twice");
            }
            m.put(key, value(depth));
            space();
            if (peek() == ',') {
                i++;
            } else {
                expect('}');
                return m;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> l = new ArrayList<>();
        i++; // [
        space();
        if (peek() == ']') {
            i++;
            return l;
        }
        while (true) {
            l.add(value(depth));
            space();
            if (peek() == ',') {
                i++;
            } else {
                expect(']');
                return l;
            }
        }
    }

    private String string() {
        StringBuilder sb = new StringBuilder();
        i++; // opening quote
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (i >= s.length()) {
                    break;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case '"', '\\', '/' -> sb.append(e);
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (i + 4 > s.length()) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        try {
                            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        } catch (NumberFormatException x) {
                            throw error("a \\u escape needs four hex digits");
                        }
                        i += 4;
                    }
                    default -> throw error("unknown escape \\" + e);
                }
            } else if (c < 0x20) {
                throw error("a control character inside a string");
            } else {
                sb.append(c);
            }
        }
        throw error("a string that never ends");
    }

    private JsonNumber number() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        int digits = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || "+-.eE".indexOf(s.charAt(i)) >= 0)) {
            i++;
        }
        String text = s.substring(start, i);
        if (i == digits || !text.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw error(i == start ? "expected a value" : "'" + text + "' is not a number");
        }
        return new JsonNumber(text);
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        i++;
    }

    private IllegalArgumentException error(String what) {
        int line = 1;
        int col = 1;
        for (int k = 0; k < Math.min(i, s.length()); k++) {
            if (s.charAt(k) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return new IllegalArgumentException("not JSON at line " + line + ", column " + col + ": " + what);
    }
}
