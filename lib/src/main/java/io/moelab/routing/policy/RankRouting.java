package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;

/**
 * {@code rank:r=R}: only the R-th most probable expert (R = 1 the most probable), with gate 1.
 * SCMoE's weak policy (Shi et al. 2024, "Unchosen Experts Can Contribute Too: Unleashing MoE
 * Models' Power by Self-Contrast"), whose default is the expert ranked third.
 */
public final class RankRouting implements ExpertSelection {
    static final PolicyKind KIND = new PolicyKind.Selector("rank", "rank:r=R", RankRouting::parse);
    private static final long serialVersionUID = 1L;
    private final int rank;

    public RankRouting(int rank) {
        if (rank < 1) {
            throw new IllegalArgumentException("rank is 1-based, was " + rank);
        }
        this.rank = rank;
    }

    /** The body {@code r=R}; errors quote {@code spec}. */
    static RankRouting parse(String spec, String body) {
        return new RankRouting(SpecSyntax.integer(spec, "r", SpecSyntax.single(spec, body, "r"), 1));
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        int numExperts = config.experts().numExperts();
        float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
        int[] ranked = new int[rank];
        int[] starts = new int[tokens + 1];
        int[] experts = new int[tokens];
        float[] gates = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            TopK.select(probs, t * numExperts, numExperts, rank, ranked, 0);
            experts[t] = ranked[rank - 1];
            gates[t] = 1f;
            starts[t + 1] = t + 1;
        }
        return new RoutingDecision(numExperts, starts, experts, gates, probs);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return rank;
    }

    @Override
    public boolean gatesByFamilyRule() {
        return false;
    }

    @Override
    public void validateFor(MoeConfig config) {
        SpecSyntax.requireAtMostExperts(spec(), "r", rank, config);
    }

    @Override
    public String spec() {
        return "rank:r=" + rank;
    }
}
