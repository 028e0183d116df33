package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import org.junit.jupiter.api.Test;

/** {@code bias} shifts the named experts' logits before the softmax; {@code temperature} divides all of them. */
class RouterBiasAndTemperatureTest {
    private static final float[] LOGITS = {0.5f, 1.5f, -0.3f, 1.0f, 0.2f, -1.0f};

    @Test
    void biasAddsToTheNamedExpertsLogitsBeforeTheSoftmax() {
        RoutingDecision biased = TinyModels.routeOne(
                TinyModels.policy("bias:+1.2@0/4", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        float[] shifted = LOGITS.clone();
        shifted[4] += 1.2f;
        double[] expected = TinyModels.softmax(shifted);
        for (int e = 0; e < 6; e++) {
            assertEquals(expected[e], biased.probability(0, e), 1e-6, "expert " + e);
        }
        assertArrayEquals(new int[] {1, 4}, TinyModels.experts(biased, 0));
    }

    @Test
    void aNegativeBiasSuppressesAndOnlyInTheNamedLayers() {
        RoutingPolicy policy = TinyModels.policy("bias:-3@*/1", TinyModels.MIXTRAL);
        assertArrayEquals(
                new int[] {3, 0}, TinyModels.experts(TinyModels.routeOne(policy, TinyModels.MIXTRAL, 2, LOGITS), 0));
        RoutingPolicy layerOne = TinyModels.policy("bias:-3@1/1", TinyModels.MIXTRAL);
        assertArrayEquals(
                new int[] {1, 3}, TinyModels.experts(TinyModels.routeOne(layerOne, TinyModels.MIXTRAL, 0, LOGITS), 0));
    }

    @Test
    void temperatureIsTheNativeRuleOnScaledLogits() {
        RoutingDecision hot = TinyModels.routeOne(
                TinyModels.policy("temperature:t=2.5", TinyModels.QWEN2_MOE), TinyModels.QWEN2_MOE, 0, LOGITS);
        float[] scaled = new float[LOGITS.length];
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] = LOGITS[i] / 2.5f;
        }
        RoutingDecision expected = TinyModels.routeOne(NativeRouting.INSTANCE, TinyModels.QWEN2_MOE, 0, scaled);
        assertArrayEquals(TinyModels.experts(expected, 0), TinyModels.experts(hot, 0));
        assertArrayEquals(TinyModels.gates(expected, 0), TinyModels.gates(hot, 0));
        float[] nativeGates =
                TinyModels.gates(TinyModels.routeOne(NativeRouting.INSTANCE, TinyModels.QWEN2_MOE, 0, LOGITS), 0);
        assertNotEquals(nativeGates[0], TinyModels.gates(hot, 0)[0], 1e-3f);
    }

    @Test
    void stagesApplyInTheOrderWritten() {
        // Bias then temperature: (z + 2) / 2 for expert 2; temperature then bias: z / 2 + 2.
        RoutingDecision biasFirst = TinyModels.routeOne(
                TinyModels.policy("bias:+2@0/2|temperature:t=2", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        RoutingDecision temperatureFirst = TinyModels.routeOne(
                TinyModels.policy("temperature:t=2|bias:+2@0/2", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        float[] a = new float[6];
        float[] b = new float[6];
        for (int i = 0; i < 6; i++) {
            a[i] = (LOGITS[i] + (i == 2 ? 2 : 0)) / 2;
            b[i] = LOGITS[i] / 2 + (i == 2 ? 2 : 0);
        }
        assertEquals(TinyModels.softmax(a)[2], biasFirst.probability(0, 2), 1e-6);
        assertEquals(TinyModels.softmax(b)[2], temperatureFirst.probability(0, 2), 1e-6);
    }
}
