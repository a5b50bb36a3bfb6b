package dev.gradtape.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.GradientTape;
import dev.gradtape.autodiff.GraphExport;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.autodiff.Value;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * tour.html in a real browser: Debian's headless chromium, driven through its chromedriver with
 * real clicks on the page's buttons and boxes. Skipped, with a message, where either is missing
 * (CI installs both: .ci/run). Leaves a screenshot in target/tour-page.png.
 */
class TourPageBrowserTest {
    private static final String CHROMIUM = System.getProperty("gradtape.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("gradtape.chromedriver", "/usr/bin/chromedriver");

    @TempDir
    static Path tmp;

    private static final String MISSING = "TourPageBrowserTest SKIPPED: no " + CHROMIUM + " or no " + CHROMEDRIVER
            + ", so tour.html is not tested in a browser (Debian: apt-get install chromium chromium-driver)";

    private static ChromeDriverService service;
    private static ChromeDriver browser;

    @BeforeAll
    static void startChromium() throws IOException {
        boolean present = Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
        if (!present) {
            System.err.println(MISSING);
            return;
        }
        service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1000",
                "--user-data-dir=" + Files.createDirectory(tmp.resolve("chromium-profile")));
        browser = new ChromeDriver(service, options);
    }

    @BeforeEach
    void needsChromium() {
        Assumptions.assumeTrue(browser != null, MISSING);
    }

    @AfterAll
    static void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    private static void open(Path page) {
        browser.get(page.toUri().toString());
    }

    private static WebElement box(WebElement section, String name) {
        if (name.matches("\\w+")) {
            return section.findElement(By.cssSelector("g.value[data-name='" + name + "']"));
        }
        return section.findElements(By.cssSelector("g.value")).stream()
                .filter(g -> name.equals(g.getAttribute("data-name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no box named " + name));
    }

    /** The gradient a box shows, exactly (the page writes the shortest text of each double). */
    private static double[] gradientShown(WebElement box) {
        String exact = box.getAttribute("data-grad");
        assertFalse(exact == null || exact.isEmpty(), "the box shows no gradient");
        String[] parts = exact.split(" ");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    private static String text(WebElement section, String css) {
        return section.findElement(By.cssSelector(css)).getText();
    }

    /** Clicks "step forward" until it is disabled; returns the number of clicks. */
    private static int stepToTheEnd(WebElement section) {
        WebElement forward = section.findElement(By.cssSelector("button.forward"));
        int clicks = 0;
        while (forward.isEnabled() && clicks < 100) {
            forward.click();
            clicks++;
        }
        return clicks;
    }

    @Test
    void clickingThroughTheTourPageShowsTheTapesOwnGradients() throws IOException {
        Path out = tmp.resolve("tour");
        Cli.Run run = Cli.run("tour", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        // the tape's own numbers, from the same tour code
        StringWriter ignored = new StringWriter();
        Map<String, Tensor> scalar = AutodiffTour.scalar(new PrintWriter(ignored)).gradients();
        Map<String, Tensor> tensor = AutodiffTour.tensor(new PrintWriter(ignored)).gradients();

        open(out.resolve("tour.html"));
        List<WebElement> sections = browser.findElements(By.cssSelector("section.graph"));
        assertEquals(2, sections.size());
        WebElement part1 = sections.get(0), part2 = sections.get(1);
        assertEquals("step 0 of 4", text(part1, ".counter"));
        assertEquals("grad \u2014", box(part1, "a").findElement(By.cssSelector("text.grad")).getText());

        // step 1: L = g + a sends 1 to a
        part1.findElement(By.cssSelector("button.forward")).click();
        assertEquals("step 1 of 4", text(part1, ".counter"));
        assertTrue(text(part1, ".step").contains("a receives dL/dL = 1.0"), text(part1, ".step"));
        assertEquals("grad 1.0", box(part1, "a").findElement(By.cssSelector("text.grad")).getText());
        assertTrue(box(part1, "L").getAttribute("class").contains("current"));

        assertEquals(3, stepToTheEnd(part1));
        String last = text(part1, ".step");
        assertTrue(last.contains("step 4: e = mul(a, b) receives dL/de = -2.0"), last);
        assertTrue(last.contains("a receives dL/de * b = -2.0 * -3.0 = 6.0"), last);
        assertTrue(last.contains("a is used twice: dL/da = 1.0 (from step 1) + 6.0 = 7.0"), last);
        for (String leaf : List.of("a", "b", "c", "f")) {
            assertEquals(scalar.get(leaf).item(), gradientShown(box(part1, leaf))[0], 0.0, leaf);
            assertEquals("grad " + Narration.number(scalar.get(leaf).item()),
                    box(part1, leaf).findElement(By.cssSelector("text.grad")).getText(), leaf);
        }

        // one step back: a holds only what L = g + a sent it
        part1.findElement(By.cssSelector("button.back")).click();
        assertEquals("step 3 of 4", text(part1, ".counter"));
        assertEquals(1.0, gradientShown(box(part1, "a"))[0], 0.0);
        part1.findElement(By.cssSelector("button.forward")).click();
        assertEquals(7.0, gradientShown(box(part1, "a"))[0], 0.0);

        assertEquals(5, stepToTheEnd(part2));
        assertEquals("step 5 of 5", text(part2, ".counter"));
        for (String leaf : List.of("x", "W", "b")) {
            assertEquals(List.of(box(part2, leaf).getAttribute("data-grad").split(" ")).size(), tensor.get(leaf).size());
            double[] shown = gradientShown(box(part2, leaf));
            double[] tape = tensor.get(leaf).toArray();
            for (int i = 0; i < tape.length; i++) {
                assertEquals(tape[i], shown[i], 0.0, leaf + "[" + i + "]");
            }
        }
        // a tensor's values are one click away
        box(part2, "b").click();
        String detail = text(part2, ".detail");
        assertTrue(detail.contains("grad  [-0.098136, 0.15381], shape=(2,)"), detail);
        assertTrue(detail.contains("value [0.1, -0.1], shape=(2,)"), detail);

        // the screenshot of the README: part 1 at its last step, a's box selected
        part2.findElement(By.cssSelector("button.back")).click();
        box(part1, "a").click();
        browser.executeScript("window.scrollTo(0, 0)");
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, Path.of("target", "tour-page.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aGraphOfAboutFiftyValuesIsDrawnWithoutOverlapsAndWalkedToTheTapesGradients() throws IOException {
        // two tanh neurons over the same six inputs: 47 values, 27 operations
        String page;
        Value[] x = new Value[6];
        Value out = null;
        try (GradientTape tape = new GradientTape()) {
            for (int i = 0; i < 6; i++) {
                x[i] = Value.of(0.5 * i - 1, "x" + i);
            }
            for (int n = 0; n < 2; n++) {
                Value sum = Value.of(0.1, "b" + n);
                for (int i = 0; i < 6; i++) {
                    sum = sum.add(x[i].mul(Value.of(0.3 - 0.1 * i + n, "w" + n + i)));
                }
                out = out == null ? sum.tanh() : out.add(sum.tanh());
            }
            page = GraphExport.html(out);
            out.backward();
        }
        open(Files.writeString(tmp.resolve("neurons.html"), page));
        WebElement section = browser.findElement(By.cssSelector("section.graph"));
        List<WebElement> boxes = section.findElements(By.cssSelector("g.value"));
        assertEquals(47, boxes.size());
        List<org.openqa.selenium.Rectangle> rects = boxes.stream().map(WebElement::getRect).toList();
        for (int i = 0; i < rects.size(); i++) {
            for (int j = i + 1; j < rects.size(); j++) {
                org.openqa.selenium.Rectangle p = rects.get(i), q = rects.get(j);
                boolean apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y
                        || q.y + q.height <= p.y;
                int a = i, b = j;
                assertTrue(apart, () -> boxes.get(a).getAttribute("data-name") + " overlaps "
                        + boxes.get(b).getAttribute("data-name"));
            }
        }
        assertEquals(27, stepToTheEnd(section));
        for (Value v : x) {
            assertEquals(v.grad(), gradientShown(box(section, v.label()))[0], 0.0, v.label());
        }
    }

    @Test
    void aValueNamedLikeAScriptShowsAsText() throws IOException {
        String evil = "<script>alert(1)</script>";
        String page;
        try (GradientTape tape = new GradientTape()) {
            Value a = Value.of(2.0, evil);
            Value b = Value.of(3.0, "<img src=x onerror=alert(2)>");
            page = GraphExport.html(a.mul(b));
        }
        Path file = Files.writeString(tmp.resolve("evil.html"), page);
        open(file);
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), "a name ran as script");
        assertTrue(browser.findElements(By.tagName("img")).isEmpty(), "a name became an element");
        WebElement section = browser.findElement(By.cssSelector("section.graph"));
        WebElement box = box(section, evil);
        box.click();
        assertTrue(text(section, ".detail").startsWith(evil + " (a leaf)\nvalue 2.0"), text(section, ".detail"));
        stepToTheEnd(section);
        assertTrue(text(section, ".step").contains(evil + " receives dt2/dt2 * " + "<img src=x onerror=alert(2)>"
                + " = 1.0 * 3.0 = 3.0"), text(section, ".step"));
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert());
    }
}
