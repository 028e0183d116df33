package io.moelab.routing;

import io.moelab.moe.MoeConfig;

/**
 * A policy that chooses experts from the router probabilities: the last stage of a composed
 * policy, after the stages that rewrite router logits (masks, biases, temperature).
 */
public interface ExpertSelection extends RoutingPolicy {

    /**
     * How many experts it needs to choose from in a layer: a mask must leave at least this many
     * switched on, or the policy would have to pick a switched-off one.
     */
    int expertsNeeded(MoeConfig config);

    /**
     * Whether it always picks {@link #expertsNeeded} experts and gates them by the family's rule
     * ({@link FamilyRule}) over whichever set it picked, so that forced experts may replace chosen
     * ones and the gates still mean what the policy says.
     */
    boolean gatesByFamilyRule();
}
