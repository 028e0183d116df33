package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Tokens routed per MoE layer and the sum of their router entropies {@code Σ_t H(p_t)} in nats
 * (docs/METHODS.md §1): the layer's mean routing entropy is the one over the other.
 *
 * <p><b>Exactness.</b> Token counts are {@code long}s; each token's entropy is rounded once to
 * {@link FixedPoint} (32 fractional bits; a sum is at most tokens·ln E), so {@link #merge} is exact.
 */
public final class RouterEntropy implements StatAccumulator<RouterEntropy> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final long[] tokens;
    private final long[] entropySum;

    public RouterEntropy(ExpertGrid grid) {
        this.grid = grid;
        tokens = new long[grid.moeLayers()];
        entropySum = new long[grid.moeLayers()];
    }

    /** Adds one MoE layer's routing of one batch. */
    public void add(int moeLayer, RoutingDecision decision) {
        grid.checkLayer(moeLayer);
        grid.checkExperts(decision.numExperts());
        long entropy = entropySum[moeLayer];
        for (int t = 0; t < decision.tokens(); t++) {
            double h = 0;
            for (int e = 0; e < grid.numExperts(); e++) {
                double p = decision.probability(t, e);
                if (p > 0) {
                    h -= p * Math.log(p);
                }
            }
            entropy = FixedPoint.add(entropy, FixedPoint.encode(h));
        }
        entropySum[moeLayer] = entropy;
        tokens[moeLayer] += decision.tokens();
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public RouterEntropy merge(RouterEntropy other) {
        grid.requireSame(other.grid, "router entropy");
        FixedPoint.addAll(tokens, other.tokens);
        FixedPoint.addAll(entropySum, other.entropySum);
        return this;
    }

    public long tokens(int moeLayer) {
        grid.checkLayer(moeLayer);
        return tokens[moeLayer];
    }

    /** Σ over tokens of the router entropy H(p) in nats. */
    public double entropySum(int moeLayer) {
        grid.checkLayer(moeLayer);
        return FixedPoint.decode(entropySum[moeLayer]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouterEntropy other
                && grid.equals(other.grid)
                && Arrays.equals(tokens, other.tokens)
                && Arrays.equals(entropySum, other.entropySum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(tokens), Arrays.hashCode(entropySum));
    }
}
