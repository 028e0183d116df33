package io.moelab.model;

import static io.moelab.model.SharedFixtures.floats;
import static io.moelab.model.SharedFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingRecorder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Qwen3-MoE and OLMoE against transformers itself. The checkpoints are {@link TinyCheckpoints}
 * written by moelab; {@code tools/hf_reference_vectors.py} ran them through transformers 5.17
 * (torch 2.11, CPU, eager attention and experts) in float32 and float64, refusing any missing or
 * unexpected tensor. Weights are deliberately large (logits of tens), so the reference's own
 * float32 noise reaches 2.6e-5; moelab is compared with the float64 logits at 1e-4.
 */
class TransformersFamiliesTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"qwen3_moe", "olmoe", "olmoe_clipped"})
    void matchesTransformers(String name) throws URISyntaxException {
        Path dir = Path.of(getClass()
                        .getResource("/hf-reference/" + name + "/config.json")
                        .toURI())
                .getParent();
        MoeModel model = MoeModel.load(dir);
        JsonNode cases = SharedFixtures.vectors(dir).get("cases");
        for (JsonNode c : cases) {
            int[] ids = ints(c.get("input_ids"));
            RoutingRecorder recorder = new RoutingRecorder();
            float[][] logits = model.forward(
                            TokenBatch.of(ids),
                            ForwardOptions.builder().observe(recorder).build())
                    .logitsOf(0);
            String where = name + " input of length " + ids.length;
            for (int t = 0; t < ids.length; t++) {
                HuggingFaceReferenceTest.assertClose(
                        floats(c.get("logits_float64").get(t)), logits[t], where + " logits at " + t, TOLERANCE);
            }
            assertEquals(c.get("router_logits").size(), recorder.layers().size(), where + ": MoE layers");
            for (int l = 0; l < recorder.layers().size(); l++) {
                for (int t = 0; t < ids.length; t++) {
                    HuggingFaceReferenceTest.assertClose(
                            floats(c.get("router_logits").get(l).get(t)),
                            recorder.routerLogits(l, t),
                            where + " router logits, MoE layer " + l + " at " + t,
                            TOLERANCE);
                    int[] experts = ints(c.get("topk_experts").get(l).get(t));
                    for (int s = 0; s < experts.length; s++) {
                        assertEquals(
                                experts[s],
                                recorder.layers().get(l).decision().expert(t, s),
                                where + " expert, MoE layer " + l + " at " + t);
                    }
                }
            }
        }
        assertTrue(cases.size() == 3);
    }
}
