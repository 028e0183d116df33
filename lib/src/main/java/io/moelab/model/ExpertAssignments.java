package io.moelab.model;

import io.moelab.routing.RoutingDecision;

/** A routing decision regrouped by expert: for each expert, its tokens (ascending) and their gates. */
final class ExpertAssignments {
    private final int[][] tokens;
    private final float[][] gates;

    private ExpertAssignments(int[][] tokens, float[][] gates) {
        this.tokens = tokens;
        this.gates = gates;
    }

    static ExpertAssignments of(RoutingDecision decision, int numExperts) {
        int[] counts = new int[numExperts];
        for (int t = 0; t < decision.tokens(); t++) {
            for (int s = 0; s < decision.count(t); s++) {
                counts[decision.expert(t, s)]++;
            }
        }
        int[][] tokens = new int[numExperts][];
        float[][] gates = new float[numExperts][];
        for (int e = 0; e < numExperts; e++) {
            tokens[e] = new int[counts[e]];
            gates[e] = new float[counts[e]];
        }
        int[] filled = new int[numExperts];
        for (int t = 0; t < decision.tokens(); t++) {
            for (int s = 0; s < decision.count(t); s++) {
                int e = decision.expert(t, s);
                tokens[e][filled[e]] = t;
                gates[e][filled[e]++] = decision.gate(t, s);
            }
        }
        return new ExpertAssignments(tokens, gates);
    }

    int[] tokens(int expert) {
        return tokens[expert];
    }

    float[] gates(int expert) {
        return gates[expert];
    }
}
