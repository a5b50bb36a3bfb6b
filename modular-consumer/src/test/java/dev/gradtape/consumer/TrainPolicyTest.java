package dev.gradtape.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.ComputeSettings;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Layer;
import java.lang.module.ModuleDescriptor;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The consumer on the module path, as surefire runs it: the three gradtape modules are named
 * modules, the consumer reads all of them through one {@code requires}, and the kernels package
 * is not exported to it.
 */
class TrainPolicyTest {
    private static final Module CORE = Tensor.class.getModule();

    @Test
    void every_package_comes_from_its_named_module() {
        TrainPolicy.Report r = TrainPolicy.train(42, 50);
        assertEquals("dev.gradtape.autodiff dev.gradtape.nn dev.gradtape.rl dev.gradtape.consumer", r.modules());
    }

    @Test
    void one_requires_reads_rl_nn_and_autodiff() {
        Module consumer = TrainPolicy.class.getModule();
        assertTrue(consumer.canRead(CORE));
        assertTrue(consumer.canRead(Layer.class.getModule()));
        Set<ModuleDescriptor.Requires> requires = consumer.getDescriptor().requires();
        assertTrue(requires.stream().anyMatch(q -> q.name().equals("dev.gradtape.rl")), requires.toString());
        assertFalse(requires.stream().anyMatch(q -> q.name().startsWith("dev.gradtape.nn")
                || q.name().startsWith("dev.gradtape.autodiff")), requires.toString());
    }

    @Test
    void the_kernels_are_exported_to_the_vector_module_alone() {
        assertTrue(CORE.isExported("dev.gradtape.autodiff"));
        assertFalse(CORE.isExported("dev.gradtape.autodiff.kernels", TrainPolicy.class.getModule()));
        ModuleDescriptor.Exports kernels = CORE.getDescriptor().exports().stream()
                .filter(e -> e.source().equals("dev.gradtape.autodiff.kernels")).findFirst().orElseThrow();
        assertEquals(Set.of("dev.gradtape.autodiff.vector"), kernels.targets());
        assertEquals(2, CORE.getDescriptor().exports().size(), CORE.getDescriptor().exports().toString());
    }

    @Test
    void training_raises_the_return_and_the_path_follows_the_incubator_module() {
        TrainPolicy.Report r = TrainPolicy.train(42, 2000);
        assertEquals(2000, r.episodes());
        assertTrue(r.returnAfter() > r.returnBefore() + 0.1, r.toString());
        boolean incubator = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(incubator ? "vector" : "plain", ComputeSettings.current().matmulPath());
    }
}
