package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moelab.model.ForwardResult;
import io.moelab.model.MoeModel;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingRecorder;
import org.junit.jupiter.api.Test;

/** {@code topk:k=K} overrides the family's k and keeps its gate rule; k = E is dense soft routing. */
class TopKRoutingTest {
    private static final int[] IDS = {3, 17, 42, 8, 59, 23, 1, 60};

    @Test
    void topKOfAllExpertsIsDenseSoftRoutingThroughAFullForward() {
        MoeConfig config = TinyModels.MIXTRAL;
        MoeModel model = TinyModels.model(config);
        RoutingRecorder recorder = new RoutingRecorder();
        ForwardResult all =
                TinyModels.forward(model, TokenBatch.of(IDS), TinyModels.policy("topk:k=6", config), recorder, null);
        for (LayerRouting layer : recorder.layers()) {
            RoutingDecision decision = layer.decision();
            for (int t = 0; t < IDS.length; t++) {
                double[] softmax = TinyModels.softmax(recorder.routerLogits(layer.moeLayer(), t));
                assertEquals(6, decision.count(t));
                for (int s = 0; s < 6; s++) {
                    int e = decision.expert(t, s);
                    assertEquals(
                            softmax[e],
                            decision.gate(t, s),
                            1e-6,
                            "layer " + layer.layer() + " token " + t + " expert " + e);
                }
            }
        }
        // The gates reach the output: a hand-written dense soft policy gives the same logits.
        ForwardResult dense =
                TinyModels.forward(model, TokenBatch.of(IDS), new DenseSoftRouting(), new RoutingRecorder(), null);
        float[][] expected = dense.logitsOf(0);
        float[][] actual = all.logitsOf(0);
        for (int t = 0; t < IDS.length; t++) {
            assertArrayEquals(expected[t], actual[t], 1e-5f, "token " + t);
        }
    }

    @Test
    void topKRenormalisesExactlyAsTheFamilyDoes() {
        float[] logits = TinyModels.logitsOf(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);
        RoutingDecision mixtral = TinyModels.routeOne(new TopKRouting(3), TinyModels.MIXTRAL, 0, logits);
        assertArrayEquals(new int[] {0, 1, 2}, TinyModels.experts(mixtral, 0));
        assertArrayEquals(new float[] {0.5f, 0.3125f, 0.1875f}, TinyModels.gates(mixtral, 0), 1e-6f);
        RoutingDecision qwen = TinyModels.routeOne(new TopKRouting(3), TinyModels.QWEN2_MOE, 0, logits);
        assertArrayEquals(new float[] {0.4f, 0.25f, 0.15f}, TinyModels.gates(qwen, 0), 1e-6f);
    }

    @Test
    void deepSeekRenormalisesOnlyWhenMoreThanOneExpertIsSelected() {
        float[] logits = TinyModels.logitsOf(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);
        assertArrayEquals(
                new float[] {0.4f},
                TinyModels.gates(TinyModels.routeOne(new TopKRouting(1), TinyModels.DEEPSEEK, 1, logits), 0),
                1e-6f);
        assertArrayEquals(
                new float[] {0.5f, 0.3125f, 0.1875f},
                TinyModels.gates(TinyModels.routeOne(new TopKRouting(3), TinyModels.DEEPSEEK, 1, logits), 0),
                1e-6f);
        assertArrayEquals(
                new float[] {1f},
                TinyModels.gates(TinyModels.routeOne(new TopKRouting(1), TinyModels.MIXTRAL, 1, logits), 0),
                1e-6f);
    }

    @Test
    void deepSeekWithItsOwnTopOneStillRenormalisesATopTwoOverride() {
        MoeConfig topOne = MoeConfig.fromJson("""
                {"model_type": "deepseek", "vocab_size": 64, "hidden_size": 32, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 48, "moe_intermediate_size": 16, "n_routed_experts": 6,
                 "n_shared_experts": 1, "num_experts_per_tok": 1, "norm_topk_prob": true, "first_k_dense_replace": 1}""", "deepseek top-1 config.json");
        float[] logits = TinyModels.logitsOf(0.4, 0.25, 0.15, 0.1, 0.06, 0.04);
        assertArrayEquals(
                new float[] {0.4f},
                TinyModels.gates(TinyModels.routeOne(io.moelab.routing.NativeRouting.INSTANCE, topOne, 1, logits), 0),
                1e-6f);
        assertArrayEquals(
                new float[] {0.4f / 0.65f, 0.25f / 0.65f},
                TinyModels.gates(TinyModels.routeOne(new TopKRouting(2), topOne, 1, logits), 0),
                1e-6f);
    }

    @Test
    void topKOfTheFamilysOwnKEqualsNative() {
        float[] logits = {0.3f, -1.2f, 2.0f, 0.9f, 0.1f, -0.4f, 1.1f, 0.0f, 0.5f, -2.0f, 1.4f, 0.2f};
        RoutingContext context = RoutingContext.of(TokenBatch.of(new int[] {1, 2}));
        RoutingDecision topK = new TopKRouting(2).route(0, logits, 2, TinyModels.MIXTRAL, context);
        RoutingDecision nativeRule =
                io.moelab.routing.NativeRouting.INSTANCE.route(0, logits, 2, TinyModels.MIXTRAL, context);
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(TinyModels.experts(nativeRule, t), TinyModels.experts(topK, t));
            assertArrayEquals(TinyModels.gates(nativeRule, t), TinyModels.gates(topK, t));
        }
    }

    /** Every expert, gated by its softmax probability computed in double: the hand computation. */
    private static final class DenseSoftRouting implements io.moelab.routing.RoutingPolicy {
        @Override
        public RoutingDecision route(
                int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
            int e = config.experts().numExperts();
            int[] starts = new int[tokens + 1];
            int[] experts = new int[tokens * e];
            float[] gates = new float[tokens * e];
            float[] probs = new float[tokens * e];
            for (int t = 0; t < tokens; t++) {
                starts[t + 1] = (t + 1) * e;
                double[] p = TinyModels.softmax(java.util.Arrays.copyOfRange(routerLogits, t * e, (t + 1) * e));
                for (int i = 0; i < e; i++) {
                    experts[t * e + i] = i;
                    gates[t * e + i] = (float) p[i];
                    probs[t * e + i] = (float) p[i];
                }
            }
            return new RoutingDecision(e, starts, experts, gates, probs);
        }

        @Override
        public String spec() {
            return "dense-soft (test)";
        }
    }
}
