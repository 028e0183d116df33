package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;

/**
 * {@code topk:k=K}: the family's rule with {@code num_experts_per_tok} overridden by K, gates
 * renormalised exactly when the family renormalises ({@link FamilyRule#renormalises}). With K
 * equal to the expert count and renormalisation this is dense soft routing.
 */
public final class TopKRouting implements ExpertSelection {
    static final PolicyKind KIND = new PolicyKind.Selector("topk", "topk:k=K", TopKRouting::parse);
    private static final long serialVersionUID = 1L;
    private final int k;

    public TopKRouting(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, was " + k);
        }
        this.k = k;
    }

    /** The body {@code k=K}; errors quote {@code spec}. */
    static TopKRouting parse(String spec, String body) {
        return new TopKRouting(SpecSyntax.integer(spec, "k", SpecSyntax.single(spec, body, "k"), 1));
    }

    public int k() {
        return k;
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        return FamilyRule.topK(
                Softmax.rows(routerLogits, tokens, config.experts().numExperts()), tokens, k, config);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return k;
    }

    @Override
    public boolean gatesByFamilyRule() {
        return true;
    }

    @Override
    public void validateFor(MoeConfig config) {
        SpecSyntax.requireAtMostExperts(spec(), "k", k, config);
    }

    @Override
    public String spec() {
        return "topk:k=" + k;
    }
}
