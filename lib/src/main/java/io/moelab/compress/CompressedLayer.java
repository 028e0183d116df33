package io.moelab.compress;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A compressed MoE layer in both forms it can be exported in.
 *
 * @param experts      the m experts kept or built, in target order
 * @param router       the smaller-router form's router [m × hidden]: row t routes to target t
 * @param expertMap    per original router output, the target expert it now runs (−1: dropped); the
 *                     exact-router form keeps the original router and this map
 * @param plan         which sources formed which target, with which coefficient
 * @param expertBits   per target expert, the weight bit width its matrices were fake-quantised to; empty
 *                     when the method keeps full precision, else one entry for every target
 */
public record CompressedLayer(
        List<ExpertWeights> experts,
        float[] router,
        int[] expertMap,
        List<PlanEntry> plan,
        Map<Integer, Integer> expertBits) {

    public CompressedLayer {
        experts = List.copyOf(experts);
        plan = List.copyOf(plan);
        expertBits = Collections.unmodifiableMap(new TreeMap<>(expertBits));
        int stored = Arrays.stream(expertMap).max().orElse(-1) + 1;
        if (stored != experts.size()) {
            throw new IllegalArgumentException(
                    "expert map targets " + stored + " experts, layer has " + experts.size());
        }
        Set<Integer> targets = IntStream.range(0, experts.size()).boxed().collect(Collectors.toSet());
        if (!expertBits.isEmpty() && !expertBits.keySet().equals(targets)) {
            throw new IllegalArgumentException(
                    "expert bits name targets " + expertBits.keySet() + ", layer has " + experts.size() + " experts");
        }
    }

    /** A layer whose experts keep full precision. */
    public CompressedLayer(List<ExpertWeights> experts, float[] router, int[] expertMap, List<PlanEntry> plan) {
        this(experts, router, expertMap, plan, Map.of());
    }

    public int numExperts() {
        return experts.size();
    }

    /** Mean weight bit width over the layer's experts; empty when they keep full precision. */
    public OptionalDouble averageBits() {
        return expertBits.values().stream().mapToInt(Integer::intValue).average();
    }
}
