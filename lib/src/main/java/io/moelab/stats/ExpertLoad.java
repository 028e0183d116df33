package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Expert load per MoE layer and expert (docs/METHODS.md §1): tokens that selected the expert, tokens
 * whose top-1 (slot 0) it was, gate mass {@code Σ g_e} over its selections and router probability
 * mass {@code Σ p_e} over all tokens.
 *
 * <p><b>Exactness.</b> Counts are {@code long}s; gate and probability mass are {@link FixedPoint}
 * sums (32 fractional bits, each at most the token count), so {@link #merge} is exact.
 */
public final class ExpertLoad implements StatAccumulator<ExpertLoad> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final long[] selected;
    private final long[] top1;
    private final long[] gateMass;
    private final long[] probMass;

    public ExpertLoad(ExpertGrid grid) {
        this.grid = grid;
        selected = new long[grid.cells()];
        top1 = new long[grid.cells()];
        gateMass = new long[grid.cells()];
        probMass = new long[grid.cells()];
    }

    /** Adds one MoE layer's routing of one batch. */
    public void add(int moeLayer, RoutingDecision decision) {
        grid.checkLayer(moeLayer);
        grid.checkExperts(decision.numExperts());
        int experts = grid.numExperts();
        int base = moeLayer * experts;
        for (int t = 0; t < decision.tokens(); t++) {
            int count = decision.count(t);
            if (count > 0) {
                top1[base + decision.expert(t, 0)]++;
            }
            for (int s = 0; s < count; s++) {
                int e = decision.expert(t, s);
                selected[base + e]++;
                gateMass[base + e] = FixedPoint.add(gateMass[base + e], FixedPoint.encode(decision.gate(t, s)));
            }
            for (int e = 0; e < experts; e++) {
                probMass[base + e] = FixedPoint.add(probMass[base + e], FixedPoint.encode(decision.probability(t, e)));
            }
        }
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public ExpertLoad merge(ExpertLoad other) {
        grid.requireSame(other.grid, "expert load");
        FixedPoint.addAll(selected, other.selected);
        FixedPoint.addAll(top1, other.top1);
        FixedPoint.addAll(gateMass, other.gateMass);
        FixedPoint.addAll(probMass, other.probMass);
        return this;
    }

    public long selected(int moeLayer, int expert) {
        return selected[grid.cell(moeLayer, expert)];
    }

    /** All token-expert selections of a MoE layer: Σ over experts of {@link #selected}. */
    public long selections(int moeLayer) {
        grid.checkLayer(moeLayer);
        int base = moeLayer * grid.numExperts();
        return Arrays.stream(selected, base, base + grid.numExperts()).sum();
    }

    public long top1(int moeLayer, int expert) {
        return top1[grid.cell(moeLayer, expert)];
    }

    public double gateMass(int moeLayer, int expert) {
        return FixedPoint.decode(gateMass[grid.cell(moeLayer, expert)]);
    }

    public double probMass(int moeLayer, int expert) {
        return FixedPoint.decode(probMass[grid.cell(moeLayer, expert)]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpertLoad other
                && grid.equals(other.grid)
                && Arrays.equals(selected, other.selected)
                && Arrays.equals(top1, other.top1)
                && Arrays.equals(gateMass, other.gateMass)
                && Arrays.equals(probMass, other.probMass);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(selected), Arrays.hashCode(gateMass), Arrays.hashCode(probMass));
    }
}
