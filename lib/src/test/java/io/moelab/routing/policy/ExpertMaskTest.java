package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.RoutingRecorder;
import org.junit.jupiter.api.Test;

/** {@code mask}: switched-off experts are never chosen, their probability goes to the others, forced ones are chosen. */
class ExpertMaskTest {
    /** Native top-2 would pick experts 1 and 3. */
    private static final float[] LOGITS = TinyModels.logitsOf(0.1, 0.4, 0.05, 0.25, 0.15, 0.05);

    @Test
    void switchingOffRedistributesByTheSoftmaxThenMixtralRenormalises() {
        RoutingDecision decision = TinyModels.routeOne(
                TinyModels.policy("mask:off=0/1", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        // Without expert 1 the softmax gives p_i / 0.6; the top-2 are 3 and 4, renormalised over both.
        assertEquals(0f, decision.probability(0, 1));
        assertEquals(0.25 / 0.6, decision.probability(0, 3), 1e-6);
        assertArrayEquals(new int[] {3, 4}, TinyModels.experts(decision, 0));
        assertArrayEquals(new float[] {0.625f, 0.375f}, TinyModels.gates(decision, 0), 1e-6f);
    }

    @Test
    void switchingOffRedistributesByTheSoftmaxAndQwenKeepsTheRedistributedProbabilities() {
        RoutingDecision decision = TinyModels.routeOne(
                TinyModels.policy("mask:off=0/1", TinyModels.QWEN2_MOE), TinyModels.QWEN2_MOE, 0, LOGITS);
        assertArrayEquals(new int[] {3, 4}, TinyModels.experts(decision, 0));
        assertArrayEquals(
                new float[] {(float) (0.25 / 0.6), (float) (0.15 / 0.6)}, TinyModels.gates(decision, 0), 1e-6f);
    }

    @Test
    void aMaskAppliesOnlyToItsLayerAndStarToEveryMoeLayer() {
        RoutingPolicy layerZero = TinyModels.policy("mask:off=0/1", TinyModels.MIXTRAL);
        assertArrayEquals(
                new int[] {1, 3}, TinyModels.experts(TinyModels.routeOne(layerZero, TinyModels.MIXTRAL, 2, LOGITS), 0));
        RoutingPolicy everyLayer = TinyModels.policy("mask:off=*/1", TinyModels.MIXTRAL);
        for (int layer = 0; layer < 3; layer++) {
            assertArrayEquals(
                    new int[] {3, 4},
                    TinyModels.experts(TinyModels.routeOne(everyLayer, TinyModels.MIXTRAL, layer, LOGITS), 0));
        }
    }

    @Test
    void aSwitchedOffExpertIsNeverChosenInAFullForward() {
        for (MoeConfig config : new MoeConfig[] {TinyModels.MIXTRAL, TinyModels.QWEN2_MOE}) {
            RoutingRecorder recorder = new RoutingRecorder();
            TinyModels.forward(
                    TinyModels.model(config),
                    TokenBatch.of(new int[] {4, 9, 33, 12, 50, 7, 2, 61, 19, 40}),
                    TinyModels.policy("mask:off=*/0+*/2+*/5", config),
                    recorder,
                    null);
            for (LayerRouting layer : recorder.layers()) {
                for (int t = 0; t < layer.decision().tokens(); t++) {
                    for (int e : TinyModels.experts(layer.decision(), t)) {
                        assertFalse(
                                e == 0 || e == 2 || e == 5,
                                config.family() + " layer " + layer.layer() + " chose " + e);
                    }
                    assertEquals(2, layer.decision().count(t));
                }
            }
        }
    }

    @Test
    void aForcedExpertReplacesTheLeastProbableChosenOneAndTheFamilyRuleGatesTheFinalSet() {
        RoutingDecision mixtral = TinyModels.routeOne(
                TinyModels.policy("mask:on=0/4", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        assertArrayEquals(new int[] {1, 4}, TinyModels.experts(mixtral, 0));
        assertArrayEquals(new float[] {0.4f / 0.55f, 0.15f / 0.55f}, TinyModels.gates(mixtral, 0), 1e-6f);
        RoutingDecision qwen = TinyModels.routeOne(
                TinyModels.policy("mask:on=0/4", TinyModels.QWEN2_MOE), TinyModels.QWEN2_MOE, 0, LOGITS);
        assertArrayEquals(new float[] {0.4f, 0.15f}, TinyModels.gates(qwen, 0), 1e-6f);
    }

    @Test
    void aForcedExpertAlreadyChosenChangesNothingAndTwoForcedFillTheSelection() {
        RoutingDecision chosen = TinyModels.routeOne(
                TinyModels.policy("mask:on=0/3", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        assertArrayEquals(new int[] {1, 3}, TinyModels.experts(chosen, 0));
        RoutingDecision both = TinyModels.routeOne(
                TinyModels.policy("mask:on=0/2+0/5", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0, LOGITS);
        assertArrayEquals(new int[] {2, 5}, TinyModels.experts(both, 0));
        assertArrayEquals(new float[] {0.5f, 0.5f}, TinyModels.gates(both, 0), 1e-6f);
    }

    @Test
    void offAndOnCombine() {
        RoutingDecision decision = TinyModels.routeOne(
                TinyModels.policy("mask:off=0/1,on=0/0", TinyModels.QWEN2_MOE), TinyModels.QWEN2_MOE, 0, LOGITS);
        // Without expert 1: 3 (0.25/0.6) and 4 (0.15/0.6) chosen; forced 0 (0.1/0.6) replaces 4.
        assertArrayEquals(new int[] {3, 0}, TinyModels.experts(decision, 0));
        assertArrayEquals(
                new float[] {(float) (0.25 / 0.6), (float) (0.1 / 0.6)}, TinyModels.gates(decision, 0), 1e-6f);
    }
}
