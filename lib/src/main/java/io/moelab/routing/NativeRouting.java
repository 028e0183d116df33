package io.moelab.routing;

import io.moelab.model.MoeConfig;

/**
 * Each family's own rule, as Hugging Face transformers implements it: softmax over the router
 * logits in float32, the {@code num_experts_per_tok} most probable experts (ties to the lower
 * index), gates renormalised to sum 1 when the family says so ({@code norm_topk_prob}; Mixtral
 * always).
 */
public final class NativeRouting implements RoutingPolicy {
    public static final NativeRouting INSTANCE = new NativeRouting();

    private NativeRouting() {
    }

    @Override
    public RoutingDecision route(int layer, float[] routerLogits, int tokens, MoeConfig config) {
        int numExperts = config.numExperts();
        int k = config.topK();
        float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
        int[] starts = new int[tokens + 1];
        int[] experts = new int[tokens * k];
        float[] gates = new float[tokens * k];
        for (int t = 0; t < tokens; t++) {
            starts[t + 1] = (t + 1) * k;
            TopK.select(probs, t * numExperts, numExperts, k, experts, t * k);
            float sum = 0;
            for (int s = 0; s < k; s++) {
                gates[t * k + s] = probs[t * numExperts + experts[t * k + s]];
                sum += gates[t * k + s];
            }
            if (config.normTopkProb()) {
                for (int s = 0; s < k; s++) {
                    gates[t * k + s] /= sum;
                }
            }
        }
        return new RoutingDecision(numExperts, starts, experts, gates, probs);
    }

    @Override
    public String spec() {
        return "native";
    }
}
