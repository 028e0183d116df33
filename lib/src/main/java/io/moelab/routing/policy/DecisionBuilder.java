package io.moelab.routing.policy;

import io.moelab.routing.RoutingDecision;
import java.util.Arrays;

/** Collects a ragged routing decision token by token: add a token's slots, then end the token. */
final class DecisionBuilder {
    private final int numExperts;
    private final int[] starts;
    private int[] experts;
    private float[] gates;
    private int slots;
    private int token;

    DecisionBuilder(int tokens, int numExperts, int expectedSlotsPerToken) {
        this.numExperts = numExperts;
        this.starts = new int[tokens + 1];
        this.experts = new int[Math.max(1, tokens * expectedSlotsPerToken)];
        this.gates = new float[experts.length];
    }

    void add(int expert, float gate) {
        if (slots == experts.length) {
            experts = Arrays.copyOf(experts, slots * 2);
            gates = Arrays.copyOf(gates, slots * 2);
        }
        experts[slots] = expert;
        gates[slots++] = gate;
    }

    void endToken() {
        starts[++token] = slots;
    }

    RoutingDecision build(float[] probabilities) {
        return new RoutingDecision(
                numExperts, starts, Arrays.copyOf(experts, slots), Arrays.copyOf(gates, slots), probabilities);
    }
}
