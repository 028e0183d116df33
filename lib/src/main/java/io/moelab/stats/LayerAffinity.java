package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Inter-layer affinity between consecutive MoE layers (ExpertFlow, HOBBIT, Pre-gated MoE): for
 * MoE layer {@code l}, every expert {@code e} a token used there and every {@code e'} it used at
 * layer {@code l + 1}, one count {@code e → e'}. Counts are {@code long}s, so {@link #merge} is exact.
 */
public final class LayerAffinity implements StatAccumulator<LayerAffinity> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final long[] counts;

    public LayerAffinity(ExpertGrid grid) {
        this.grid = grid;
        counts = new long[(grid.moeLayers() - 1) * grid.numExperts() * grid.numExperts()];
    }

    /**
     * Adds the transitions of every token from MoE layer {@code moeLayer} to {@code moeLayer + 1}.
     * Both decisions must cover the same tokens.
     */
    public void add(int moeLayer, RoutingDecision current, RoutingDecision next) {
        checkLayerPair(moeLayer);
        grid.checkExperts(current.numExperts());
        grid.checkExperts(next.numExperts());
        if (current.tokens() != next.tokens()) {
            throw new IllegalArgumentException(
                    "affinity between decisions of " + current.tokens() + " and " + next.tokens() + " tokens");
        }
        int experts = grid.numExperts();
        int base = moeLayer * experts * experts;
        for (int t = 0; t < current.tokens(); t++) {
            for (int s = 0; s < current.count(t); s++) {
                int row = base + current.expert(t, s) * experts;
                for (int s2 = 0; s2 < next.count(t); s2++) {
                    counts[row + next.expert(t, s2)]++;
                }
            }
        }
    }

    private void checkLayerPair(int moeLayer) {
        if (moeLayer < 0 || moeLayer + 1 >= grid.moeLayers()) {
            throw new IllegalArgumentException("affinity needs MoE layers " + moeLayer + " and " + (moeLayer + 1)
                    + "; there are " + grid.moeLayers());
        }
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public LayerAffinity merge(LayerAffinity other) {
        grid.requireSame(other.grid, "layer affinity");
        FixedPoint.addAll(counts, other.counts);
        return this;
    }

    /** Tokens routed to {@code expert} at MoE layer {@code moeLayer} and to {@code nextExpert} at {@code moeLayer + 1}. */
    public long count(int moeLayer, int expert, int nextExpert) {
        checkLayerPair(moeLayer);
        grid.checkExpert(expert);
        grid.checkExpert(nextExpert);
        return counts[(moeLayer * grid.numExperts() + expert) * grid.numExperts() + nextExpert];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerAffinity other && grid.equals(other.grid) && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(counts));
    }
}
