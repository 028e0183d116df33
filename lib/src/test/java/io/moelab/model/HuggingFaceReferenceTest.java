package io.moelab.model;

import static io.moelab.model.SharedFixtures.floats;
import static io.moelab.model.SharedFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingRecorder;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every case of the reference checkpoints against transformers v4.40.2's float32 outputs:
 * logits, router logits and layer outputs within 1e-5, identical experts (fixtures README).
 */
class HuggingFaceReferenceTest {
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "qwen2_moe"})
    void matchesTransformersOnEveryCase(String family) {
        Path dir = SharedFixtures.hf(family);
        MoeModel model = MoeModel.load(dir);
        JsonNode cases = SharedFixtures.vectors(dir).get("cases");
        assertTrue(cases.size() >= 3);
        for (JsonNode c : cases) {
            int[] ids = ints(c.get("input_ids"));
            RoutingRecorder recorder = new RoutingRecorder();
            ForwardResult result = model.forward(
                    TokenBatch.of(ids),
                    ForwardOptions.builder()
                            .observe(recorder)
                            .keepLayerOutputs(true)
                            .build());
            String where = family + " input of length " + ids.length;
            float[][] logits = result.logitsOf(0);
            for (int t = 0; t < ids.length; t++) {
                assertClose(floats(c.get("logits").get(t)), logits[t], where + " logits at " + t);
            }
            for (int l = 0; l < model.config().layers().numLayers(); l++) {
                float[] out = result.layerOutputs().get(l);
                int hidden = model.config().hiddenSize();
                for (int t = 0; t < ids.length; t++) {
                    float[] row = java.util.Arrays.copyOfRange(out, t * hidden, (t + 1) * hidden);
                    assertClose(
                            floats(c.get("layer_outputs").get(l).get(t)),
                            row,
                            where + " layer " + l + " output at " + t);
                }
                LayerRouting routing = recorder.layers().get(l);
                for (int t = 0; t < ids.length; t++) {
                    assertClose(
                            floats(c.get("router_logits").get(l).get(t)),
                            recorder.routerLogits(l, t),
                            where + " router logits layer " + l + " at " + t);
                    int[] expected = ints(c.get("topk_experts").get(l).get(t));
                    float[] weights = floats(c.get("topk_weights").get(l).get(t));
                    assertEquals(expected.length, routing.decision().count(t));
                    for (int s = 0; s < expected.length; s++) {
                        assertEquals(
                                expected[s],
                                routing.decision().expert(t, s),
                                where + " expert layer " + l + " at " + t);
                        assertEquals(weights[s], routing.decision().gate(t, s), TOLERANCE, where + " gate");
                    }
                }
            }
        }
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertClose(expected, actual, what, TOLERANCE);
    }

    static void assertClose(float[] expected, float[] actual, String what, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance, what + ": max |Δ| " + worst + " > " + tolerance);
    }
}
