package dev.gradtape.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradtape.autodiff.Shape;
import dev.gradtape.autodiff.Tensor;
import dev.gradtape.nn.Adam;
import dev.gradtape.nn.Checkpoint;
import dev.gradtape.nn.CheckpointException;
import dev.gradtape.nn.Parameter;
import dev.gradtape.nn.SafeTensors;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The architecture in a checkpoint's metadata: written, read back, checked key by key. */
class PolicyArchitectureTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> values(GaussianPolicy p) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (Parameter q : p.parameters()) {
            m.put(q.name(), q.value());
        }
        return m;
    }

    private static Map<String, Shape> shapes(GaussianPolicy p) {
        Map<String, Shape> m = new LinkedHashMap<>();
        for (Parameter q : p.parameters()) {
            m.put(q.name(), q.shape());
        }
        return m;
    }

    @Test
    void thePendulumPolicyIsDescribedAsTheRecipeBuildsIt() {
        PolicyArchitecture a = PolicyArchitecture.of(PendulumRecipe.policy(3));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("policy_format", "gradtape.gaussian_policy");
        expected.put("policy_format_version", "1");
        expected.put("policy_layers", "3,64,64,1");
        expected.put("policy_activation", "relu");
        expected.put("policy_sigma", "log_std");
        expected.put("policy_sigma_floor", "0.0");
        expected.put("policy_observation_scale", "1.0,1.0,0.125");
        assertEquals(expected, a.toMetadata());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(a.toMetadata().keySet()));
    }

    @Test
    void theArticlesActorHasASoftplusHeadAndNoScale() {
        PolicyArchitecture a = PolicyArchitecture.of(GaussianPolicy.article(1, GaussianPolicy.ARTICLE_SIGMA_BIAS, 0.05));
        assertArrayEquals(new int[] {1, 5, 5, 1}, a.layers());
        assertEquals(PolicyArchitecture.Sigma.SOFTPLUS_HEAD, a.sigma());
        assertEquals(0.05, a.sigmaFloor());
        assertEquals("none", a.toMetadata().get("policy_observation_scale"));
        assertEquals(shapes(GaussianPolicy.article(1)), a.parameterShapes());
    }

    @Test
    void metadataRoundTripsAndRebuildsAPolicyOfTheSameNamesAndShapes() {
        for (GaussianPolicy p : List.of(PendulumRecipe.policy(0), GaussianPolicy.article(2, 0.3, 0.01),
                GaussianPolicy.builder().setBody(new dev.gradtape.nn.Sequential(
                        new dev.gradtape.nn.Dense(2, 7, new SplittableRandom(1)), new dev.gradtape.nn.Tanh()), 2, 7)
                        .setActionSize(3).optObservationScale(0.1, 1e-7).build(new SplittableRandom(2)))) {
            PolicyArchitecture a = PolicyArchitecture.of(p);
            PolicyArchitecture back = PolicyArchitecture.fromMetadata(a.toMetadata());
            assertEquals(a, back);
            assertArrayEquals(p.observationScale(), back.observationScale());
            GaussianPolicy rebuilt = back.newPolicy();
            assertEquals(shapes(p), shapes(rebuilt));
            assertEquals(shapes(p), a.parameterShapes());
            assertEquals(p.stateIndependentSigma(), rebuilt.stateIndependentSigma());
            assertEquals(p.sigmaFloor(), rebuilt.sigmaFloor());
            assertEquals(PolicyArchitecture.of(p), PolicyArchitecture.of(rebuilt));
        }
    }

    @Test
    void aSavedPolicyLoadsFromTheFileAloneAndActsTheSame() {
        GaussianPolicy p = PendulumRecipe.policy(5);
        Adam adam = PendulumRecipe.policyOptimizer(64);
        PendulumRecipe.trainer(p, adam, 5, 32).train(32, null);
        Path file = dir.resolve("policy.safetensors");
        PolicyCheckpoint.save(file, p, adam);

        GaussianPolicy q = PolicyCheckpoint.load(file);
        Map<String, Tensor> a = values(p);
        Map<String, Tensor> b = values(q);
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertTrue(a.get(k).valueEquals(b.get(k)), k);
        }
        double[] obs = {Math.cos(2.0), Math.sin(2.0), -3.5};
        assertArrayEquals(p.meanAction(obs), q.meanAction(obs));
        assertEquals(Reinforce.evaluate(p, Pendulum::new, PendulumRecipe.evalSeeds()),
                Reinforce.evaluate(q, Pendulum::new, PendulumRecipe.evalSeeds()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "policy_format|gradtape.other|policy_format is 'gradtape.other'; expected gradtape.gaussian_policy",
        "policy_format_version|2|policy_format_version is '2'; expected 1",
        "policy_layers|3,64|policy_layers is '3,64'; expected widths",
        "policy_layers|3,64,,1|policy_layers is '3,64,,1'",
        "policy_layers|3,064,64,1|policy_layers is '3,064,64,1'",
        "policy_layers|3,100000,1|policy_layers is '3,100000,1'",
        "policy_layers|3,40000,1|policy_layers is '3,40000,1'; expected widths from 1 to 32768",
        "policy_activation|gelu|policy_activation is 'gelu'; expected one of relu, tanh, sigmoid, softplus",
        "policy_sigma|fixed|policy_sigma is 'fixed'; expected one of log_std, softplus_head",
        "policy_sigma_floor|-0.1|policy_sigma_floor is '-0.1'",
        "policy_sigma_floor|NaN|policy_sigma_floor is 'NaN'",
        "policy_sigma_floor|1d|policy_sigma_floor is '1d'",
        "policy_observation_scale|1.0,1.0|policy_observation_scale is '1.0,1.0'; expected one factor per",
        "policy_observation_scale|1.0,Infinity,1.0|policy_observation_scale is '1.0,Infinity,1.0'",
        "policy_observation_scale||policy_observation_scale is ''",
    })
    void aBadValueIsRefusedNamingItsKey(String key, String value, String message) {
        Map<String, String> m = new LinkedHashMap<>(PolicyArchitecture.of(PendulumRecipe.policy(0)).toMetadata());
        m.put(key, value == null ? "" : value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyArchitecture.fromMetadata(m));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void aMissingOrUnknownKeyIsRefusedNamingIt() {
        Map<String, String> full = PolicyArchitecture.of(PendulumRecipe.policy(0)).toMetadata();
        for (String key : full.keySet()) {
            Map<String, String> m = new LinkedHashMap<>(full);
            m.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PolicyArchitecture.fromMetadata(m));
            assertTrue(e.getMessage().contains(key), key + ": " + e.getMessage());
        }
        Map<String, String> m = new LinkedHashMap<>(full);
        m.put("policy_dropout", "0.1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PolicyArchitecture.fromMetadata(m));
        assertTrue(e.getMessage().startsWith("the metadata holds policy_dropout, which policy format version 1"
                + " does not have"), e.getMessage());
    }

    @Test
    void aFileWithoutAnArchitectureOrWithLayersThatDoNotFitIsRefused() {
        Path old = dir.resolve("old.safetensors");
        Checkpoint.save(old, PendulumRecipe.policy(0), null);
        CheckpointException e = assertThrows(CheckpointException.class, () -> PolicyCheckpoint.load(old));
        assertTrue(e.getMessage().contains("the metadata has no policy_format"), e.getMessage());

        Path lying = dir.resolve("lying.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(PolicyArchitecture.of(PendulumRecipe.policy(0)).toMetadata());
        meta.put("policy_layers", "3,32,64,1");
        Checkpoint.save(lying, PendulumRecipe.policy(0), null, meta);
        e = assertThrows(CheckpointException.class, () -> PolicyCheckpoint.load(lying));
        assertEquals("PolicyCheckpoint.load(" + lying + "): parameter 'body.0.kernel' has shape (3, 64) in the"
                + " file, but the architecture (policy_layers 3,32,64,1, policy_sigma log_std) gives it shape"
                + " (3, 32)", e.getMessage());

        Path huge = dir.resolve("huge.safetensors");
        meta.put("policy_layers", "3,32768,32768,1");
        Checkpoint.save(huge, PendulumRecipe.policy(0), null, meta);
        e = assertThrows(CheckpointException.class, () -> PolicyCheckpoint.load(huge));
        assertTrue(e.getMessage().contains("'body.0.kernel' has shape (3, 64) in the file"), e.getMessage());

        Path head = dir.resolve("head.safetensors");
        meta.put("policy_layers", "3,64,64,1");
        meta.put("policy_sigma", "softplus_head");
        Checkpoint.save(head, PendulumRecipe.policy(0), null, meta);
        e = assertThrows(CheckpointException.class, () -> PolicyCheckpoint.load(head));
        assertTrue(e.getMessage().contains("has parameter 'sigma.kernel' of shape (64, 1), which the file lacks"),
                e.getMessage());
        assertTrue(SafeTensors.readContents(head).metadata().containsKey("policy_sigma"));
    }
}
