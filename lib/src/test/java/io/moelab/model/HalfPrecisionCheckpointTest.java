package io.moelab.model;

import static io.moelab.model.SharedFixtures.floats;
import static io.moelab.model.SharedFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.HalfFloats;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingRecorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BF16 and F16 weights are upcast exactly and then computed in float32, so a half-precision
 * checkpoint must give bit-identical logits to a float32 checkpoint of the same rounded values.
 */
class HalfPrecisionCheckpointTest {

    @Test
    void bf16WeightsEqualFloat32OfTheRoundedWeights(@TempDir Path dir) throws IOException {
        assertHalfEqualsRoundedFloat32(dir, DType.BF16, x -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(x)));
    }

    @Test
    void f16WeightsEqualFloat32OfTheRoundedWeights(@TempDir Path dir) throws IOException {
        assertHalfEqualsRoundedFloat32(dir, DType.F16, x -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(x)));
    }

    private static void assertHalfEqualsRoundedFloat32(Path dir, DType half, FloatRounding rounding)
            throws IOException {
        Path source = SharedFixtures.hf("mixtral");
        Path halfDir = copy(source, dir.resolve("half"), half, values -> values);
        Path roundedDir = copy(source, dir.resolve("rounded"), DType.F32, values -> {
            float[] out = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                out[i] = rounding.round(values[i]);
            }
            return out;
        });
        try (Checkpoint checkpoint = Checkpoint.open(halfDir)) {
            assertEquals(half, checkpoint.dominantDType());
        }
        MoeModel halfModel = MoeModel.load(halfDir);
        MoeModel roundedModel = MoeModel.load(roundedDir);
        MoeModel originalModel = MoeModel.load(source);
        double roundingEffect = 0;
        for (JsonNode c : SharedFixtures.vectors(source).get("cases")) {
            TokenBatch batch = TokenBatch.of(ints(c.get("input_ids")));
            float[][] halfLogits = halfModel.forward(batch).logitsOf(0);
            assertEquals(
                    0.0, maxAbsDiff(roundedModel.forward(batch).logitsOf(0), halfLogits), half + " vs rounded float32");
            roundingEffect = Math.max(
                    roundingEffect, maxAbsDiff(originalModel.forward(batch).logitsOf(0), halfLogits));
        }
        // Rounding the weights must change the logits, or the equality above proves nothing.
        assertTrue(roundingEffect > 0, half + " rounding changed nothing");
    }

    /** Copies every tensor of {@code source}, transformed, as {@code dtype}, plus config.json. */
    private static Path copy(Path source, Path target, DType dtype, UnaryOperator<float[]> transform)
            throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        try (Checkpoint checkpoint = Checkpoint.open(source)) {
            for (String name : checkpoint.tensorNames()) {
                writer.add(name, dtype, checkpoint.info(name).shape(), transform.apply(checkpoint.floats(name)));
            }
        }
        writer.write(Files.createDirectories(target).resolve("model.safetensors"));
        Files.copy(source.resolve("config.json"), target.resolve("config.json"));
        return target;
    }

    @FunctionalInterface
    private interface FloatRounding {
        float round(float x);
    }

    /**
     * The trained BF16 fixture against transformers (its MODEL_CARD.md): logits within 1e-4 (the
     * card measures 2.5e-5 float32-vs-float64 noise on logits up to 24.2), router logits within
     * 1e-5 (noise 3.6e-6), identical experts, and the layer outputs given at four positions within
     * 1e-5 × the largest |value| (noise 1.1e-4 on a residual stream up to 204, as the card advises).
     */
    @Test
    void trainedBf16MoeMatchesTransformers() {
        Path dir = SharedFixtures.trainedMoe();
        MoeModel model = MoeModel.load(dir);
        int hidden = model.config().hiddenSize();
        for (JsonNode c : SharedFixtures.vectors(dir).get("cases")) {
            int[] ids = ints(c.get("input_ids"));
            RoutingRecorder recorder = new RoutingRecorder();
            ForwardResult result = model.forward(
                    TokenBatch.of(ids),
                    ForwardOptions.builder()
                            .observe(recorder)
                            .keepLayerOutputs(true)
                            .build());
            float[][] logits = result.logitsOf(0);
            float[][] expectedLogits = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                expectedLogits[t] = floats(c.get("logits").get(t));
            }
            String where = c.get("source").get("document_id").asText();
            double logitError = maxAbsDiff(expectedLogits, logits);
            assertTrue(logitError <= 1e-4, where + ": logits max |Δ| " + logitError);
            double routerError = 0;
            double layerError = 0;
            double layerScale = 0;
            for (int l = 0; l < model.config().layers().numLayers(); l++) {
                for (int t = 0; t < ids.length; t++) {
                    float[] expectedRouter =
                            floats(c.get("router_logits").get(l).get(t));
                    routerError = Math.max(
                            routerError,
                            maxAbsDiff(new float[][] {expectedRouter}, new float[][] {recorder.routerLogits(l, t)}));
                    int[] experts = new int[model.config().routing().topK()];
                    for (int s = 0; s < experts.length; s++) {
                        experts[s] = recorder.layers().get(l).decision().expert(t, s);
                    }
                    assertArrayEquals(
                            ints(c.get("topk_experts").get(l).get(t)),
                            experts,
                            where + " layer " + l + " position " + t);
                }
                int[] positions = ints(c.get("per_layer_positions"));
                for (int i = 0; i < positions.length; i++) {
                    float[] expected =
                            floats(c.get("layer_outputs_sampled").get(l).get(i));
                    float[] actual = Arrays.copyOfRange(
                            result.layerOutputs().get(l), positions[i] * hidden, (positions[i] + 1) * hidden);
                    layerError = Math.max(layerError, maxAbsDiff(new float[][] {expected}, new float[][] {actual}));
                    for (float v : expected) {
                        layerScale = Math.max(layerScale, Math.abs(v));
                    }
                }
            }
            assertTrue(routerError <= 1e-5, where + ": router logits max |Δ| " + routerError);
            assertTrue(layerError <= 1e-5 * layerScale, where + ": layer outputs max |Δ| " + layerError);
        }
    }

    static double maxAbsDiff(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "rows");
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            assertEquals(expected[t].length, actual[t].length, "row " + t + " length");
            for (int i = 0; i < expected[t].length; i++) {
                worst = Math.max(worst, Math.abs(expected[t][i] - actual[t][i]));
            }
        }
        return worst;
    }
}
