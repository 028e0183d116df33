package io.moelab.routing;

import io.moelab.moe.MoeConfig;

/**
 * Each family's own rule, as Hugging Face transformers implements it: softmax over the router
 * logits in float32, the {@code num_experts_per_tok} most probable experts (ties to the lower
 * index), gates renormalised to sum 1 when the family says so (see {@link FamilyRule}).
 */
public final class NativeRouting implements ExpertSelection {
    public static final NativeRouting INSTANCE = new NativeRouting();
    private static final long serialVersionUID = 1L;

    private NativeRouting() {}

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        float[] probs = Softmax.rows(routerLogits, tokens, config.experts().numExperts());
        return FamilyRule.topK(probs, tokens, config.routing().topK(), config);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return config.routing().topK();
    }

    @Override
    public boolean gatesByFamilyRule() {
        return true;
    }

    @Override
    public String spec() {
        return "native";
    }

    /** Keeps the singleton one instance after deserialisation. */
    private Object readResolve() {
        return INSTANCE;
    }
}
