package io.moelab.model;

import static io.moelab.model.SharedFixtures.floats;
import static io.moelab.model.SharedFixtures.ints;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Validates the test helper itself: on the checkpoints that have transformers outputs, the
 * double-precision {@link NaiveReference} reproduces them (within their float32 noise, ≤ 1.7e-6
 * per the fixtures README), so it can stand in for transformers where no fixture exists.
 */
class NaiveReferenceTest {
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"mixtral", "qwen2_moe"})
    void matchesTransformersLogitsAndExperts(String family) {
        Path dir = SharedFixtures.hf(family);
        NaiveReference reference = NaiveReference.of(dir);
        for (JsonNode c : SharedFixtures.vectors(dir).get("cases")) {
            int[] ids = ints(c.get("input_ids"));
            NaiveReference.Output out = reference.forward(ids);
            float[][] expected = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                expected[t] = floats(c.get("logits").get(t));
            }
            double worst = NaiveReference.maxAbsDiff(out.logits(), expected);
            assertTrue(worst <= TOLERANCE, family + " length " + ids.length + ": max |Δ| " + worst);
            for (int l = 0; l < out.experts().size(); l++) {
                for (int t = 0; t < ids.length; t++) {
                    assertArrayEquals(
                            ints(c.get("topk_experts").get(l).get(t)),
                            out.experts().get(l)[t],
                            family + " experts layer " + l + " position " + t);
                }
            }
        }
    }
}
