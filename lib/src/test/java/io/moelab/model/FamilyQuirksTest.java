package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.QkNorm;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The families without a transformers fixture (Qwen3-MoE, OLMoE, DeepSeek-MoE v1), on small random
 * checkpoints: the runtime must match {@link NaiveReference} (validated against transformers in
 * {@link NaiveReferenceTest}), and each family quirk must change the output, so that matching the
 * reference shows the runtime implements the quirk rather than getting lucky.
 */
class FamilyQuirksTest {
    private static final double TOLERANCE = 1e-4;
    /** A quirk implemented the other way must move the logits by more than this. */
    private static final double QUIRK_EFFECT = 1e-3;

    private static final int[] IDS = TinyCheckpoints.inputIds(12, 64, 7);
    private static final Map<String, String> CONFIGS = Map.of(
            "qwen3_moe", TinyCheckpoints.QWEN3_MOE,
            "olmoe", TinyCheckpoints.OLMOE,
            "olmoe_clipped", TinyCheckpoints.OLMOE_CLIPPED,
            "deepseek", TinyCheckpoints.DEEPSEEK,
            "deepseek_unnormalised", TinyCheckpoints.DEEPSEEK_UNNORMALISED,
            "deepseek_top1", TinyCheckpoints.DEEPSEEK_TOP1);
    private static final Map<String, Path> WRITTEN = new HashMap<>();

    @TempDir
    static Path root;

    /** The named checkpoint, written on first use (seeded, so every run sees the same weights). */
    private static Path checkpoint(String name) {
        return WRITTEN.computeIfAbsent(name, n -> {
            try {
                return TinyCheckpoints.write(Files.createDirectory(root.resolve(n)), CONFIGS.get(n), 1234);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"qwen3_moe", "olmoe", "olmoe_clipped", "deepseek", "deepseek_unnormalised", "deepseek_top1"})
    void modelMatchesNaiveReference(String name) {
        Path dir = checkpoint(name);
        RoutingRecorder recorder = new RoutingRecorder();
        float[][] logits = MoeModel.load(dir)
                .forward(
                        TokenBatch.of(IDS),
                        ForwardOptions.builder().observe(recorder).build())
                .logitsOf(0);
        NaiveReference.Output expected = NaiveReference.of(dir).forward(IDS);

        double worst = NaiveReference.maxAbsDiff(expected.logits(), logits);
        assertTrue(worst <= TOLERANCE, name + ": logits max |Δ| " + worst + " > " + TOLERANCE);
        List<LayerRouting> layers = recorder.layers();
        assertEquals(expected.experts().size(), layers.size(), name + ": MoE layers");
        for (int m = 0; m < layers.size(); m++) {
            for (int t = 0; t < IDS.length; t++) {
                int[] actual = new int[layers.get(m).decision().count(t)];
                for (int s = 0; s < actual.length; s++) {
                    actual[s] = layers.get(m).decision().expert(t, s);
                }
                assertArrayEquals(expected.experts().get(m)[t], actual, name + " MoE layer " + m + " position " + t);
            }
        }
    }

    @Test
    void olmoeNormalisesTheWholeProjectionNotEachHead() {
        assertQuirkMatters("olmoe", reference -> reference.withQkNorm(QkNorm.PER_HEAD));
    }

    @Test
    void qwen3NormalisesEachHeadNotTheWholeProjection() {
        assertQuirkMatters("qwen3_moe", reference -> reference.withQkNorm(QkNorm.WHOLE_PROJECTION));
    }

    @Test
    void olmoeClipQkvIsApplied() {
        assertQuirkMatters("olmoe_clipped", reference -> reference.withClipQkv(0));
    }

    @Test
    void deepseekSharedExpertsAreAddedUngated() {
        // The checkpoint carries a decoy Qwen2-style gate tensor: the runtime must not use it.
        assertQuirkMatters("deepseek", reference -> reference.withSharedExpertGated(true));
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen3_moe", "olmoe", "deepseek", "deepseek_unnormalised"})
    void normTopkProbIsHonoured(String name) {
        boolean configured = MoeConfig.load(checkpoint(name).resolve("config.json"))
                .routing()
                .normTopkProb();
        assertQuirkMatters(name, reference -> reference.withNormTopkProb(!configured));
    }

    @Test
    void deepseekFirstLayerIsDenseAndNeedsNoRouter() {
        Path dir = checkpoint("deepseek");
        try (Checkpoint weights = Checkpoint.open(dir)) {
            assertFalse(weights.has("model.layers.0.mlp.gate.weight"));
            assertTrue(weights.has("model.layers.0.mlp.gate_proj.weight"));
        }
        MoeModel model = MoeModel.load(dir);
        assertArrayEquals(new int[] {1, 2}, model.config().layers().moeLayerIndices());
        assertArrayEquals(new int[] {1, 2}, routedLayers(model));
    }

    @Test
    void qwen3MlpOnlyLayerIsDenseAndHeadDimComesFromConfig() {
        MoeModel model = MoeModel.load(checkpoint("qwen3_moe"));
        assertArrayEquals(new int[] {0, 2}, model.config().layers().moeLayerIndices());
        assertArrayEquals(new int[] {0, 2}, routedLayers(model));
        // head_dim 16 is not hidden_size / num_attention_heads = 12: the projections are 64 wide.
        assertEquals(16, model.config().attention().headDim());
    }

    /** The decoder layers the routing recorder hears from in one forward call. */
    private static int[] routedLayers(MoeModel model) {
        RoutingRecorder recorder = new RoutingRecorder();
        model.forward(
                TokenBatch.of(IDS), ForwardOptions.builder().observe(recorder).build());
        return recorder.layers().stream().mapToInt(LayerRouting::layer).toArray();
    }

    private static void assertQuirkMatters(String name, UnaryOperator<NaiveReference> otherBehaviour) {
        Path dir = checkpoint(name);
        float[][] logits = MoeModel.load(dir).forward(TokenBatch.of(IDS)).logitsOf(0);
        double effect = NaiveReference.maxAbsDiff(
                otherBehaviour.apply(NaiveReference.of(dir)).forward(IDS).logits(), logits);
        assertTrue(effect > QUIRK_EFFECT, name + ": the other behaviour moves logits by only " + effect);
    }
}
