package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Compute settings are values applied to one thread at a time, in scopes. */
class ComputeSettingsTest {
    private static final ComputeSettings DEFAULTS = ComputeSettings.defaults();

    @Test
    void a_scope_sets_the_threads_of_its_thread_until_it_closes() {
        ComputeSettings three = DEFAULTS.withThreads(3);
        assertEquals(DEFAULTS, ComputeSettings.current());
        try (ComputeSettings.Scope s = three.apply()) {
            assertEquals(3, ComputeSettings.current().threads());
            assertEquals(three, ComputeSettings.current());
        }
        assertEquals(DEFAULTS, ComputeSettings.current());
        assertEquals(3, three.threads());
        assertEquals(ComputeSettings.defaults().threads(), DEFAULTS.threads(), "withThreads leaves the old value alone");
    }

    @Test
    void scopes_nest_and_may_close_in_any_order() {
        ComputeSettings.Scope outer = DEFAULTS.withThreads(2).apply();
        ComputeSettings.Scope inner = DEFAULTS.withThreads(5).withVector(false).apply();
        assertEquals(5, ComputeSettings.current().threads());
        assertEquals("plain", ComputeSettings.current().matmulPath());
        outer.close(); // out of order: the inner scope still rules
        assertEquals(5, ComputeSettings.current().threads());
        inner.close();
        assertEquals(DEFAULTS, ComputeSettings.current());
        inner.close(); // twice: nothing
        assertEquals(DEFAULTS, ComputeSettings.current());
    }

    @Test
    void another_thread_keeps_its_own_settings_and_cannot_close_this_threads_scope() throws Exception {
        try (ComputeSettings.Scope s = DEFAULTS.withThreads(7).apply()) {
            assertEquals(DEFAULTS, CompletableFuture.supplyAsync(ComputeSettings::current).get());
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    s.close();
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, "other");
            t.start();
            t.join();
            assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
            assertTrue(thrown.get().getMessage().contains("close a scope on the thread that applied it"),
                    thrown.get().getMessage());
            assertEquals(7, ComputeSettings.current().threads());
        }
    }

    @Test
    void a_thread_count_below_one_is_refused_with_its_value() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DEFAULTS.withThreads(0));
        assertEquals("ComputeSettings.withThreads: 0 threads; need at least 1", e.getMessage());
    }

    @Test
    void settings_are_values() {
        assertEquals(DEFAULTS.withThreads(2), DEFAULTS.withThreads(2));
        assertEquals(DEFAULTS.withThreads(2).hashCode(), DEFAULTS.withThreads(2).hashCode());
        assertNotEquals(DEFAULTS.withThreads(2), DEFAULTS.withThreads(3));
        assertEquals("ComputeSettings[threads=2, matmul=plain]", DEFAULTS.withThreads(2).withVector(false).toString());
    }

    @Test
    void products_give_the_same_bits_under_any_settings() {
        Tensor a = Tensor.randn(1, 300, 200);
        Tensor b = Tensor.randn(2, 200, 150);
        double[] one;
        try (ComputeSettings.Scope s = DEFAULTS.withThreads(1).apply()) {
            one = a.matmul(b).toArray();
        }
        for (int t = 2; t <= 3; t++) {
            try (ComputeSettings.Scope s = DEFAULTS.withThreads(t).apply()) {
                double[] more = a.matmul(b).toArray();
                for (int i = 0; i < one.length; i++) {
                    assertEquals(Double.doubleToLongBits(one[i]), Double.doubleToLongBits(more[i]), "element " + i);
                }
            }
        }
    }
}
