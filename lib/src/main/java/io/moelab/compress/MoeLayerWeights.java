package io.moelab.compress;

import java.util.List;

/**
 * What a compression method reads of one MoE layer: the router [E × hidden] row-major and the E
 * routed experts. Shared experts, attention and norms are never touched by expert compression.
 */
public record MoeLayerWeights(int layer, int hidden, float[] router, List<ExpertWeights> experts) {

    public MoeLayerWeights {
        experts = List.copyOf(experts);
        if (router.length != experts.size() * hidden) {
            throw new IllegalArgumentException(
                    "router holds " + router.length + " floats, expected " + experts.size() + " × " + hidden);
        }
    }

    public int numExperts() {
        return experts.size();
    }

    public int intermediate() {
        return experts.get(0).intermediate();
    }

    /** The router rows of {@code experts}, in that order: the smaller-router form's router. */
    public float[] routerRows(int[] experts) {
        float[] rows = new float[experts.length * hidden];
        for (int i = 0; i < experts.length; i++) {
            System.arraycopy(router, experts[i] * hidden, rows, i * hidden, hidden);
        }
        return rows;
    }
}
