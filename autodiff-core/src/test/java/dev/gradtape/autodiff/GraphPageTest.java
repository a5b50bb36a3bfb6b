package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link GraphExport#html}: the page's data is the tape's walk, its text is never markup, it fetches nothing. */
class GraphPageTest {
    /** The scalar graph of the tour: e = a b, d = e + c, g = d f, L = g + a. */
    private static String scalarPage() {
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(2.0, "a"), b = Value.of(-3.0, "b"), c = Value.of(10.0, "c"), f = Value.of(-2.0, "f");
            return GraphExport.html(a.mul(b).add(c).mul(f).add(a));
        }
    }

    private static String json(Tensor t) {
        StringBuilder sb = new StringBuilder("{\"shape\":[");
        for (int i = 0; i < t.rank(); i++) {
            sb.append(i == 0 ? "" : ",").append(t.shape().dim(i));
        }
        sb.append("],\"data\":[");
        for (int i = 0; i < t.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(t.data[i]);
        }
        return sb.append("]}").toString();
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void theStepsAreTheWalkInReverseWithEachOpsRuleAndTheSumForAValueUsedTwice() {
        String page = scalarPage();
        // values in topological order: a, b, t2 = mul, c, t4 = add, f, t6 = mul, t7 = add (L)
        assertTrue(page.contains("\"target\":7"), page);
        Matcher steps = Pattern.compile("\\{\"node\":(\\d+)").matcher(page);
        StringBuilder order = new StringBuilder();
        while (steps.find()) {
            order.append(steps.group(1)).append(' ');
        }
        assertEquals("7 6 4 2 ", order.toString(), "the walk goes from the last operation to the first");
        // mul's own rule for its first input, from Node.rule
        assertTrue(page.contains("\"rule\":\"{g} * {1}\""), page);
        // a: 1 from L = g + a, then 6 from e = a * b; the page shows the running total 7
        assertTrue(page.contains("{\"input\":0,\"rule\":\"{g}\",\"uses\":1,\"grad\":{\"shape\":[],\"data\":[1.0]}"), page);
        assertTrue(page.contains("{\"input\":0,\"rule\":\"{g} * {1}\",\"uses\":2,\"grad\":{\"shape\":[],\"data\":[6.0]},"
                + "\"total\":{\"shape\":[],\"data\":[7.0]}}"), page);
    }

    @Test
    void theGradientsOnThePageAreTheTapesOwnBitForBit() {
        Tensor x = Tensor.matrix(new double[][] {{1.0, 2.0, -1.0}, {0.5, -1.0, 2.0}});
        Tensor w = Tensor.matrix(new double[][] {{0.1, -0.2}, {0.3, 0.4}, {-0.5, 0.2}});
        Tensor b = Tensor.vector(0.1, -0.1);
        String page;
        List<Tensor> grads;
        try (GradientTape tape = new GradientTape()) {
            tape.watch(x);
            tape.watch(w);
            tape.watch(b);
            Tensor y = x.matmul(w).add(b).tanh();
            Tensor loss = y.mul(y).sum();
            int recorded = tape.size();
            page = GraphExport.html(loss, Map.of(x, "x", w, "W", b, "b"));
            assertEquals(recorded, tape.size(), "drawing the page records nothing on the open tape");
            grads = tape.gradient(loss, List.of(x, w, b));
        }
        for (Tensor g : grads) {
            assertTrue(page.contains("\"total\":" + json(g)), json(g) + " not in\n" + page);
        }
        assertTrue(page.contains("\"name\":\"W\""), page);
        // y is used twice by mul(y, y): its second share comes with the sum of both
        assertTrue(page.contains("\"uses\":2"), page);
    }

    @Test
    void namesAndValuesAreTextNeverMarkup() {
        String page;
        try (GradientTape tape = new GradientTape()) {
            Value evil = Value.of(1.0, "<script>alert(1)</script>");
            Value quote = Value.of(2.0, "\"'&</title><!--\u2028");
            page = GraphExport.html(evil.mul(quote));
        }
        assertEquals(1, count(page, "<script"), "only the page's own script element");
        assertEquals(1, count(page, "</script"), "no name can close the script");
        assertFalse(page.contains("alert(1)</"), page);
        assertTrue(page.contains("\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\""), page);
        assertTrue(page.contains("\"\\\"'\\u0026\\u003c/title\\u003e\\u003c!--\\u2028\""), page);
        // and the page sets every name with textContent: the script never parses text as HTML
        assertFalse(page.contains("innerHTML"));
        assertFalse(page.contains("insertAdjacentHTML"));
        assertFalse(page.contains("document.write"));
        String title = GraphExport.html("<b>x</b> & y", List.of());
        assertTrue(title.contains("<title>&lt;b&gt;x&lt;/b&gt; &amp; y</title>"), title);
    }

    @Test
    void thePageFetchesNothing() {
        String page = scalarPage();
        for (String fetch : new String[] {"src=", "href=", "@import", "@font-face", "fetch(", "XMLHttpRequest",
                "<link", "<iframe", "<img"}) {
            assertFalse(page.contains(fetch), fetch);
        }
        Matcher url = Pattern.compile("url\\((.)").matcher(page);
        while (url.find()) {
            assertEquals("#", url.group(1), "only references inside the page");
        }
        // the one address on the page is the SVG namespace, a name that is never fetched
        assertEquals(count(page, "http"), count(page, "\"http://www.w3.org/2000/svg\""), page);
    }

    @Test
    void aGraphTooLargeToDrawSaysSo() {
        IdentityHashMap<Tensor, String> names = new IdentityHashMap<>();
        String page;
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(0.5));
            Tensor y = x;
            for (int i = 0; i < 80; i++) {
                y = y.tanh();
            }
            page = GraphExport.html(y, names);
        }
        assertTrue(page.contains("\"values\":81,\"operations\":80,\"limit\":60,\"tooLarge\":true}"), page);
        assertFalse(page.contains("\"steps\""), page);
        assertTrue(page.contains("This graph is too large to draw"), page);
    }

    @Test
    void aGraphOfFiftyOperationsIsDrawnAfterItsTapeIsClosedAndUsed() {
        Tensor loss;
        try (GradientTape tape = new GradientTape()) {
            Tensor x = tape.watch(Tensor.scalar(0.5));
            Tensor y = x;
            for (int i = 0; i < 50; i++) {
                y = i % 2 == 0 ? y.tanh() : y.mul(x);
            }
            loss = y;
            tape.gradient(loss, x);
        }
        String page = GraphExport.html(loss, Map.of());
        assertTrue(page.contains("\"values\":51,\"operations\":50,\"limit\":60,\"target\":50"), page);
        assertEquals(50, count(page, "{\"node\":"), "one step per operation");
        // x feeds every mul: 25 uses plus the first tanh
        assertTrue(page.contains("\"input\":0,\"rule\":\"{g} * (1 - {y}^2)\",\"uses\":26"), page);
    }

    @Test
    void aConstantReceivesNothing() {
        String page;
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(3.0, "a");
            page = GraphExport.html(a.mul(2.0));
        }
        assertTrue(page.contains("\"name\":\"const 2.0\""), page);
        assertTrue(page.contains("{\"input\":1,\"rule\":\"{g} * {0}\"}"), page);
        assertTrue(page.contains("\"total\":{\"shape\":[],\"data\":[2.0]}"), page);
    }
}
