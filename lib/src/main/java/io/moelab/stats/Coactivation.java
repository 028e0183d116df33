package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Co-activation per MoE layer (Dynamic-DINO): for every unordered pair of different experts
 * {@code a < b}, the tokens that selected both. Counts are {@code long}s, so {@link #merge} is exact.
 */
public final class Coactivation implements StatAccumulator<Coactivation> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final long[] counts;

    public Coactivation(ExpertGrid grid) {
        this.grid = grid;
        counts = new long[grid.moeLayers() * pairCount(grid.numExperts())];
    }

    private static int pairCount(int experts) {
        return experts * (experts - 1) / 2;
    }

    /** Index of the unordered pair {@code a < b} among the E(E−1)/2 pairs, row-major over a. */
    private static int pairIndex(int a, int b, int experts) {
        return a * (2 * experts - a - 1) / 2 + (b - a - 1);
    }

    /** Adds one MoE layer's routing of one batch: one count per token and pair of different experts it selected. */
    public void add(int moeLayer, RoutingDecision decision) {
        grid.checkLayer(moeLayer);
        grid.checkExperts(decision.numExperts());
        int experts = grid.numExperts();
        int pairBase = moeLayer * pairCount(experts);
        for (int t = 0; t < decision.tokens(); t++) {
            int count = decision.count(t);
            for (int s = 0; s < count; s++) {
                int e = decision.expert(t, s);
                for (int s2 = s + 1; s2 < count; s2++) {
                    int f = decision.expert(t, s2);
                    if (f != e) {
                        counts[pairBase + pairIndex(Math.min(e, f), Math.max(e, f), experts)]++;
                    }
                }
            }
        }
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public Coactivation merge(Coactivation other) {
        grid.requireSame(other.grid, "co-activation");
        FixedPoint.addAll(counts, other.counts);
        return this;
    }

    /** Tokens that selected both {@code a} and {@code b} (order irrelevant, {@code a != b}). */
    public long count(int moeLayer, int a, int b) {
        grid.checkLayer(moeLayer);
        grid.checkExpert(a);
        grid.checkExpert(b);
        if (a == b) {
            throw new IllegalArgumentException("co-activation needs two different experts, got " + a + " twice");
        }
        int experts = grid.numExperts();
        return counts[moeLayer * pairCount(experts) + pairIndex(Math.min(a, b), Math.max(a, b), experts)];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Coactivation other && grid.equals(other.grid) && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(counts));
    }
}
