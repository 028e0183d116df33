package io.moelab.compress;

import java.util.Arrays;
import java.util.List;

/**
 * A compressed MoE layer in both forms it can be exported in.
 *
 * @param experts      the m experts kept or built, in target order
 * @param router       the smaller-router form's router [m × hidden]: row t routes to target t
 * @param expertMap    per original router output, the target expert it now runs (−1: dropped); the
 *                     exact-router form keeps the original router and this map
 * @param plan         which sources formed which target, with which coefficient
 */
public record CompressedLayer(List<ExpertWeights> experts, float[] router, int[] expertMap, List<PlanEntry> plan) {

    public CompressedLayer {
        experts = List.copyOf(experts);
        plan = List.copyOf(plan);
        int stored = Arrays.stream(expertMap).max().orElse(-1) + 1;
        if (stored != experts.size()) {
            throw new IllegalArgumentException("expert map targets " + stored + " experts, layer has " + experts.size());
        }
    }

    public int numExperts() {
        return experts.size();
    }
}
