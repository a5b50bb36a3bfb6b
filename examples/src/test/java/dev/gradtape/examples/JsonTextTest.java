package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** run.json's JSON: what is written reads back the same, numbers exactly; hostile text is refused. */
class JsonTextTest {
    @Test
    void whatIsWrittenReadsBack() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("--lr", 0.1 + 0.2);
        inner.put("--seed", Long.MIN_VALUE);
        inner.put("--out", "C:\\runs\\\"odd\"\nname\t\u0001");
        inner.put("--force", false);
        inner.put("--config", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("options", inner);
        outer.put("arguments", List.of("article", "-q"));
        outer.put("empty", Map.of());
        outer.put("nan", Double.NaN);

        @SuppressWarnings("unchecked")
        Map<String, Object> back = (Map<String, Object>) JsonText.parse(JsonText.write(outer));
        @SuppressWarnings("unchecked")
        Map<String, Object> o = (Map<String, Object>) back.get("options");
        assertEquals(0.1 + 0.2, Double.parseDouble(o.get("--lr").toString()));
        assertEquals(Long.MIN_VALUE, Long.parseLong(o.get("--seed").toString()));
        assertEquals(inner.get("--out"), o.get("--out"));
        assertEquals(Boolean.FALSE, o.get("--force"));
        assertEquals(Arrays.asList("--lr", "--seed", "--out", "--force", "--config"), List.copyOf(o.keySet()));
        assertEquals(null, o.get("--config"));
        assertEquals(List.of("article", "-q"), back.get("arguments"));
        assertEquals(Map.of(), back.get("empty"));
        assertEquals("NaN", back.get("nan")); // JSON has no NaN: written as a string
    }

    @Test
    void badTextIsRefusedSayingWhere() {
        assertEquals("not JSON at line 2, column 3: expected a quoted name",
                assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\n  x: 1}")).getMessage());
        assertEquals("not JSON at line 1, column 14: the name \"a\" appears twice",
                assertThrows(IllegalArgumentException.class, () -> JsonText.parse("{\"a\": 1, \"a\": 2}")).getMessage());
        for (String bad : List.of("", "01", "1.", "-", "\"open", "[1,]", "{} x", "\"\\q\"", "\"\\u12\"", "tru")) {
            assertThrows(IllegalArgumentException.class, () -> JsonText.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse("[".repeat(100_000)));
        assertThrows(IllegalArgumentException.class, () -> JsonText.parse(" ".repeat(JsonText.MAX_CHARS + 1)));
    }
}
