package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.model.MoeModel;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.RoutingRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@code random}: uniform, reproducible per seed, and the same for a token whatever the batch or cache. */
class RandomRoutingTest {
    private static final int TOKENS = 600;

    private static RoutingDecision routeMany(RoutingPolicy policy, MoeConfig config, int layer) {
        Random random = new Random(5);
        float[] logits = new float[TOKENS * config.experts().numExperts()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        int[] ids = random.ints(TOKENS, 0, 64).toArray();
        return policy.route(layer, logits, TOKENS, config, RoutingContext.of(TokenBatch.of(ids)));
    }

    private static List<String> choices(RoutingDecision decision) {
        List<String> out = new ArrayList<>();
        for (int t = 0; t < decision.tokens(); t++) {
            int[] experts = TinyModels.experts(decision, t);
            Arrays.sort(experts);
            out.add(Arrays.toString(experts));
        }
        return out;
    }

    @Test
    void reproduciblePerSeedDifferentAcrossSeedsAndLayers() {
        RoutingDecision first = routeMany(new RandomRouting(2, 7), TinyModels.MIXTRAL, 0);
        assertEquals(choices(first), choices(routeMany(new RandomRouting(2, 7), TinyModels.MIXTRAL, 0)));
        assertFalse(choices(first).equals(choices(routeMany(new RandomRouting(2, 8), TinyModels.MIXTRAL, 0))));
        assertFalse(choices(first).equals(choices(routeMany(new RandomRouting(2, 7), TinyModels.MIXTRAL, 1))));
    }

    @Test
    void everyExpertIsDrawnAboutEquallyOftenRegardlessOfTheRouter() {
        RoutingDecision decision = routeMany(new RandomRouting(2, 11), TinyModels.MIXTRAL, 0);
        int[] counts = new int[6];
        for (int t = 0; t < TOKENS; t++) {
            int[] experts = TinyModels.experts(decision, t);
            assertEquals(2, experts.length);
            assertTrue(experts[0] != experts[1]);
            counts[experts[0]]++;
            counts[experts[1]]++;
        }
        // Expected 200 each; a binomial standard deviation is ~12.
        for (int e = 0; e < 6; e++) {
            assertTrue(Math.abs(counts[e] - 200) < 60, "expert " + e + " drawn " + counts[e] + " times");
        }
    }

    @Test
    void gatesAreTheChosenProbabilitiesRenormalisedAsTheFamilyDoes() {
        float[] logits = TinyModels.logitsOf(0.1, 0.4, 0.05, 0.25, 0.15, 0.05);
        for (MoeConfig config : new MoeConfig[] {TinyModels.MIXTRAL, TinyModels.QWEN2_MOE}) {
            RoutingDecision decision = TinyModels.routeOne(new RandomRouting(2, 3), config, 0, logits);
            int a = decision.expert(0, 0);
            int b = decision.expert(0, 1);
            assertTrue(decision.probability(0, a) >= decision.probability(0, b), "slots in descending probability");
            float pa = decision.probability(0, a);
            float pb = decision.probability(0, b);
            float[] expected = config.routing().normTopkProb()
                    ? new float[] {pa / (pa + pb), pb / (pa + pb)}
                    : new float[] {pa, pb};
            assertArrayEquals(
                    expected,
                    TinyModels.gates(decision, 0),
                    1e-6f,
                    config.family().toString());
        }
    }

    @Test
    void switchedOffExpertsAreNeverDrawn() {
        RoutingDecision decision = routeMany(
                TinyModels.policy("mask:off=0/0+0/4|random:k=3,seed=2", TinyModels.MIXTRAL), TinyModels.MIXTRAL, 0);
        for (int t = 0; t < TOKENS; t++) {
            for (int e : TinyModels.experts(decision, t)) {
                assertTrue(e != 0 && e != 4, "token " + t + " drew " + e);
            }
        }
    }

    @Test
    void batchedSingleAndIncrementalForwardsChooseTheSameExperts() {
        MoeModel model = TinyModels.model(TinyModels.MIXTRAL);
        RoutingPolicy policy = TinyModels.policy("random:k=2,seed=42", TinyModels.MIXTRAL);
        int[][] sequences = {{5, 9, 13, 21, 2, 40}, {7, 7, 30}, {5, 9, 13, 50, 11}};
        RoutingRecorder batched = new RoutingRecorder();
        ForwardResult batchedResult = TinyModels.forward(model, TokenBatch.of(sequences), policy, batched, null);
        for (int s = 0; s < sequences.length; s++) {
            RoutingRecorder single = new RoutingRecorder();
            ForwardResult singleResult = TinyModels.forward(model, TokenBatch.of(sequences[s]), policy, single, null);
            RoutingRecorder incremental = new RoutingRecorder();
            KvCache cache = new KvCache(model.config(), 1);
            TinyModels.forward(model, TokenBatch.of(Arrays.copyOf(sequences[s], 2)), policy, incremental, cache);
            for (int i = 2; i < sequences[s].length; i++) {
                TinyModels.forward(model, TokenBatch.of(new int[] {sequences[s][i]}), policy, incremental, cache);
            }
            int start = TokenBatch.of(sequences).start(s);
            for (int i = 0; i < sequences[s].length; i++) {
                for (int layer = 0; layer < 3; layer++) {
                    String where = "sequence " + s + " token " + i + " layer " + layer;
                    int[] inBatch =
                            TinyModels.experts(batched.layers().get(layer).decision(), start + i);
                    assertArrayEquals(
                            inBatch,
                            TinyModels.experts(single.layers().get(layer).decision(), i),
                            where);
                    LayerRouting step = i < 2
                            ? incremental.layers().get(layer)
                            : incremental.layers().get(3 * (i - 1) + layer);
                    assertArrayEquals(
                            inBatch, TinyModels.experts(step.decision(), i < 2 ? i : 0), where + " (KV cache)");
                }
            }
            float[][] alone = singleResult.logitsOf(0);
            float[][] inBatch = batchedResult.logitsOf(s);
            for (int i = 0; i < alone.length; i++) {
                assertArrayEquals(alone[i], inBatch[i], 1e-5f, "logits of sequence " + s + " token " + i);
            }
        }
        // Sequences 0 and 2 share their first three tokens, so those tokens draw the same experts.
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(
                    TinyModels.experts(batched.layers().get(1).decision(), i),
                    TinyModels.experts(batched.layers().get(1).decision(), 9 + i));
        }
    }
}
