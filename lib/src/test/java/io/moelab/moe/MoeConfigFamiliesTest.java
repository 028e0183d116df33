package io.moelab.moe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** config.json parsing of the per-family layer schedules and the errors for configs moelab cannot run. */
class MoeConfigFamiliesTest {

    /** A four-layer Qwen-MoE config plus {@code extra} fields (each with a trailing comma). */
    private static String qwen(String modelType, String extra) {
        return "{\"model_type\": \"" + modelType + "\", " + extra + """
                "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 4, "num_attention_heads": 4,
                "intermediate_size": 64, "moe_intermediate_size": 16, "num_experts": 4, "num_experts_per_tok": 2}""";
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_moe", "qwen3_moe"})
    void qwenMlpOnlyLayersAreDense(String modelType) {
        MoeConfig config = MoeConfig.fromJson(qwen(modelType, "\"mlp_only_layers\": [1],"), "config.json");
        assertArrayEquals(new int[] {0, 2, 3}, config.layers().moeLayerIndices());
    }

    @ParameterizedTest
    @ValueSource(strings = {"qwen2_moe", "qwen3_moe"})
    void qwenDecoderSparseStepMakesEveryStepThLayerMoe(String modelType) {
        // transformers: MoE where (layer_idx + 1) % decoder_sparse_step == 0.
        MoeConfig config = MoeConfig.fromJson(qwen(modelType, "\"decoder_sparse_step\": 2,"), "config.json");
        assertArrayEquals(new int[] {1, 3}, config.layers().moeLayerIndices());
    }

    @Test
    void qwenMlpOnlyLayersAndSparseStepCombine() {
        MoeConfig config = MoeConfig.fromJson(
                qwen("qwen3_moe", "\"decoder_sparse_step\": 2, \"mlp_only_layers\": [3],"), "config.json");
        assertArrayEquals(new int[] {1}, config.layers().moeLayerIndices());
    }

    @Test
    void deepseekFirstKDenseReplaceAndLayerFrequency() {
        // DeepSeek-MoE v1: MoE where layer_idx >= first_k_dense_replace and layer_idx % moe_layer_freq == 0.
        String json = """
                {"model_type": "deepseek", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 6,
                 "num_attention_heads": 4, "intermediate_size": 64, "moe_intermediate_size": 16,
                 "n_routed_experts": 4, "num_experts_per_tok": 2, "first_k_dense_replace": 1, "moe_layer_freq": 2}""";
        assertArrayEquals(
                new int[] {2, 4},
                MoeConfig.fromJson(json, "config.json").layers().moeLayerIndices());
        assertArrayEquals(
                new int[] {1, 2},
                MoeConfig.fromJson(TinyCheckpoints.DEEPSEEK, "config.json")
                        .layers()
                        .moeLayerIndices());
    }

    @Test
    void unknownModelTypeListsTheSupportedOnes() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> MoeConfig.fromJson("{\"model_type\": \"llama\"}", "some/config.json"));
        assertTrue(e.getMessage().contains("some/config.json") && e.getMessage().contains("'llama'"), e.getMessage());
        for (String supported : new String[] {"mixtral", "qwen2_moe", "qwen3_moe", "olmoe", "deepseek"}) {
            assertTrue(e.getMessage().contains(supported), e.getMessage());
        }
    }

    @Test
    void ropeScalingIsRejectedByName() {
        String json = qwen("qwen3_moe", "\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0},");
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> MoeConfig.fromJson(json, "config.json"));
        assertTrue(e.getMessage().contains("field 'rope_scaling'"), e.getMessage());
    }

    @Test
    void nullRopeScalingIsPlainRope() {
        MoeConfig config = MoeConfig.fromJson(qwen("qwen3_moe", "\"rope_scaling\": null,"), "config.json");
        assertArrayEquals(new int[] {0, 1, 2, 3}, config.layers().moeLayerIndices());
    }

    @Test
    void missingRequiredFieldNamesFileAndField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, TinyCheckpoints.OLMOE.replace("\"num_experts\": 6,", ""));
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> MoeConfig.load(file));
        assertTrue(
                e.getMessage().contains(file.toString())
                        && e.getMessage().contains("field 'num_experts'")
                        && e.getMessage().contains("olmoe"),
                e.getMessage());
    }

    @Test
    void twoParsesOfOneConfigAreEqualRecords() {
        MoeConfig first = MoeConfig.fromJson(qwen("qwen2_moe", "\"mlp_only_layers\": [1],"), "config.json");
        MoeConfig second = MoeConfig.fromJson(qwen("qwen2_moe", "\"mlp_only_layers\": [1],"), "config.json");
        assertEquals(first, second, "the layer plan compares by value");
        assertEquals(first.hashCode(), second.hashCode());
        assertNotEquals(first, MoeConfig.fromJson(qwen("qwen2_moe", "\"mlp_only_layers\": [0],"), "config.json"));
    }
}
