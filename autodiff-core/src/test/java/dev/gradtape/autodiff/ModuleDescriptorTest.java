package dev.gradtape.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The module as the tests see it: surefire runs them on the module path, patched into
 * {@code dev.gradtape.autodiff}, so these are the module's real descriptor and the plain path
 * of a JVM without the vector module.
 */
class ModuleDescriptorTest {
    private static final Module CORE = Tensor.class.getModule();

    @Test
    void the_tests_run_inside_the_named_module() {
        assertTrue(CORE.isNamed(), "autodiff-core's tests ran on the class path");
        assertEquals("dev.gradtape.autodiff", CORE.getName());
        assertSame(CORE, ModuleDescriptorTest.class.getModule());
    }

    @Test
    void only_the_api_package_is_exported_to_everyone() {
        ModuleDescriptor d = CORE.getDescriptor();
        Set<String> open = d.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("dev.gradtape.autodiff"), open);
        ModuleDescriptor.Exports kernels = d.exports().stream().filter(ModuleDescriptor.Exports::isQualified)
                .findFirst().orElseThrow();
        assertEquals("dev.gradtape.autodiff.kernels", kernels.source());
        assertEquals(Set.of("dev.gradtape.autodiff.vector"), kernels.targets());
        assertTrue(d.uses().contains("dev.gradtape.autodiff.kernels.MatMulLoops"), d.uses().toString());
        assertEquals(Set.of("java.base"), d.requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet()));
    }

    @Test
    void without_the_vector_module_the_plain_loops_run() {
        assertFalse(ModuleLayer.boot().findModule("dev.gradtape.autodiff.vector").isPresent());
        assertFalse(ComputeSettings.vectorAvailable());
        assertEquals("plain", ComputeSettings.current().matmulPath());
    }
}
