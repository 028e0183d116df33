package io.moelab.compress;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import java.util.List;

/**
 * A MoE block's routed output {@code Σ_{e ∈ K(t)} g_e · E_e(x_t)} from precomputed router logits
 * and expert outputs, under the family's native rule with some experts dropped (logit −∞ before
 * the softmax and top-k, as NAEE prunes). Lets a method score many expert subsets while running
 * each expert only once.
 */
public final class MoeBlockOutput {
    private MoeBlockOutput() {}

    /** The routing decision with only {@code kept} experts eligible. */
    public static RoutingDecision route(float[] routerLogits, int tokens, boolean[] kept, MoeConfig config) {
        int numExperts = kept.length;
        float[] masked = routerLogits.clone();
        for (int t = 0; t < tokens; t++) {
            for (int e = 0; e < numExperts; e++) {
                if (!kept[e]) {
                    masked[t * numExperts + e] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        return FamilyRule.topK(
                Softmax.rows(masked, tokens, numExperts),
                tokens,
                config.routing().topK(),
                config);
    }

    /** [tokens × hidden] output of the block under {@code decision}; {@code expertOutputs.get(e)} is [tokens × hidden]. */
    public static float[] combine(RoutingDecision decision, List<float[]> expertOutputs, int tokens, int hidden) {
        float[] out = new float[tokens * hidden];
        for (int t = 0; t < tokens; t++) {
            for (int s = 0; s < decision.count(t); s++) {
                float gate = decision.gate(t, s);
                float[] y = expertOutputs.get(decision.expert(t, s));
                for (int h = 0; h < hidden; h++) {
                    out[t * hidden + h] += gate * y[t * hidden + h];
                }
            }
        }
        return out;
    }
}
