package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.util.List;
import java.util.Map;

/**
 * {@code topp:p=P[,max=M]}: dynamic routing after Huang et al. 2024, "Harder Tasks Need More
 * Experts: Dynamic Routing in MoE Models". Experts in descending probability are kept up to and
 * including the first at which the cumulative probability (float32, in that order) exceeds P;
 * always at least one, at most M. Gates are the raw, not renormalised, probabilities. Experts of
 * probability zero (switched off by a mask) are never kept, except as the only expert.
 */
public final class TopPRouting implements ExpertSelection {
    /** The {@code max} of a spec without one: as many experts as the threshold needs. */
    public static final int UNCAPPED = 0;

    static final PolicyKind KIND = new PolicyKind.Selector("topp", "topp:p=P[,max=M]", TopPRouting::parse);
    private static final long serialVersionUID = 1L;
    private final double threshold;
    private final int maxExperts;

    /**
     * @param threshold  P in [0, 1]
     * @param maxExperts M ≥ 1, or {@link #UNCAPPED}
     */
    public TopPRouting(double threshold, int maxExperts) {
        if (!(threshold >= 0 && threshold <= 1) || maxExperts < 0) {
            throw new IllegalArgumentException(
                    "threshold must be in [0, 1] and maxExperts ≥ 0: " + threshold + ", " + maxExperts);
        }
        this.threshold = threshold;
        this.maxExperts = maxExperts;
    }

    /** The body {@code p=P[,max=M]}; errors quote {@code spec}. */
    static TopPRouting parse(String spec, String body) {
        Map<String, String> params = SpecSyntax.parameters(spec, body, List.of("p"), List.of("max"));
        double p = SpecSyntax.decimal(spec, "p", params.get("p"));
        if (p < 0 || p > 1) {
            throw SpecSyntax.malformed(spec, "p must be in [0, 1], found " + SpecSyntax.canonical(p));
        }
        int max = params.containsKey("max") ? SpecSyntax.integer(spec, "max", params.get("max"), 1) : UNCAPPED;
        return new TopPRouting(p, max);
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        int numExperts = config.experts().numExperts();
        int cap = maxExperts == UNCAPPED ? numExperts : Math.min(maxExperts, numExperts);
        float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
        int[] order = new int[numExperts];
        DecisionBuilder decision = new DecisionBuilder(tokens, numExperts, 2);
        for (int t = 0; t < tokens; t++) {
            int row = t * numExperts;
            TopK.select(probs, row, numExperts, numExperts, order, 0);
            float cumulative = 0;
            for (int s = 0; s < cap; s++) {
                float p = probs[row + order[s]];
                if (s > 0 && p == 0) {
                    break;
                }
                decision.add(order[s], p);
                cumulative += p;
                if (cumulative > threshold) {
                    break;
                }
            }
            decision.endToken();
        }
        return decision.build(probs);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return 1;
    }

    @Override
    public boolean gatesByFamilyRule() {
        return false;
    }

    @Override
    public void validateFor(MoeConfig config) {
        SpecSyntax.requireAtMostExperts(spec(), "max", maxExperts, config);
    }

    @Override
    public String spec() {
        return "topp:p=" + SpecSyntax.canonical(threshold) + (maxExperts == UNCAPPED ? "" : ",max=" + maxExperts);
    }
}
