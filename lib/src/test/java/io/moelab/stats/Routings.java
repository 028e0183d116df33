package io.moelab.stats;

import io.moelab.moe.TokenBatch;
import io.moelab.routing.ExpertBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import java.util.List;

/** Hand-built routing decisions and layer routings for the tests. */
final class Routings {
    private Routings() {}

    static RoutingDecision decision(int experts, int[][] chosen, float[][] gates, float[][] probabilities) {
        int tokens = chosen.length;
        int[] starts = new int[tokens + 1];
        for (int t = 0; t < tokens; t++) {
            starts[t + 1] = starts[t] + chosen[t].length;
        }
        int[] flatExperts = new int[starts[tokens]];
        float[] flatGates = new float[starts[tokens]];
        float[] probs = new float[tokens * experts];
        for (int t = 0; t < tokens; t++) {
            System.arraycopy(chosen[t], 0, flatExperts, starts[t], chosen[t].length);
            System.arraycopy(gates[t], 0, flatGates, starts[t], gates[t].length);
            System.arraycopy(probabilities[t], 0, probs, t * experts, experts);
        }
        return new RoutingDecision(experts, starts, flatExperts, flatGates, probs);
    }

    static LayerRouting layer(
            int layer, int moeLayer, TokenBatch batch, RoutingDecision decision, List<ExpertBatch> experts) {
        int tokens = batch.totalTokens();
        int[] positions = new int[tokens];
        for (int s = 0; s < batch.size(); s++) {
            for (int i = 0; i < batch.length(s); i++) {
                positions[batch.start(s) + i] = i;
            }
        }
        return new LayerRouting(
                layer,
                moeLayer,
                batch,
                positions,
                new float[tokens],
                new float[tokens * decision.numExperts()],
                decision,
                experts);
    }
}
