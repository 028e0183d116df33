package io.moelab.stats;

import io.moelab.routing.RoutingDecision;
import java.io.Serial;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Selections per (MoE layer, expert, label), the counts behind expert specialisation by nPMI
 * ({@link StatisticsReport#expertLabels()}). Labels are kept sorted; counts are {@code long}s, so
 * {@link #merge} is exact.
 */
public final class LabelCounts implements StatAccumulator<LabelCounts> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final TreeMap<String, long[]> countsByLabel = new TreeMap<>();

    public LabelCounts(ExpertGrid grid) {
        this.grid = grid;
    }

    /**
     * Adds one MoE layer's routing of one batch: one count per token and expert it selected, under the token's label.
     *
     * @param labelOfToken the label of each token of the decision
     */
    public void add(int moeLayer, RoutingDecision decision, String[] labelOfToken) {
        grid.checkLayer(moeLayer);
        grid.checkExperts(decision.numExperts());
        if (labelOfToken == null) {
            throw new IllegalArgumentException("labels are on: a label per token is needed for MoE layer " + moeLayer);
        }
        if (labelOfToken.length != decision.tokens()) {
            throw new IllegalArgumentException(
                    "got " + labelOfToken.length + " labels for " + decision.tokens() + " tokens");
        }
        int base = moeLayer * grid.numExperts();
        long[] perLabel = null;
        String currentLabel = null;
        for (int t = 0; t < decision.tokens(); t++) {
            String label = Objects.requireNonNull(labelOfToken[t], "label of token " + t);
            // consecutive tokens mostly share a sequence, hence a label: look the map up only on a change
            if (!label.equals(currentLabel)) {
                currentLabel = label;
                perLabel = countsByLabel.computeIfAbsent(label, k -> new long[grid.cells()]);
            }
            for (int s = 0; s < decision.count(t); s++) {
                perLabel[base + decision.expert(t, s)]++;
            }
        }
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public LabelCounts merge(LabelCounts other) {
        grid.requireSame(other.grid, "label counts");
        for (Map.Entry<String, long[]> entry : other.countsByLabel.entrySet()) {
            long[] mine = countsByLabel.computeIfAbsent(entry.getKey(), k -> new long[grid.cells()]);
            FixedPoint.addAll(mine, entry.getValue());
        }
        return this;
    }

    /** Labels seen, sorted. */
    public List<String> labels() {
        return List.copyOf(countsByLabel.keySet());
    }

    /** Selections of {@code expert} at MoE layer {@code moeLayer} by tokens labelled {@code label}; 0 for an unseen label. */
    public long count(int moeLayer, int expert, String label) {
        int cell = grid.cell(moeLayer, expert);
        long[] counts = countsByLabel.get(label);
        return counts == null ? 0 : counts[cell];
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof LabelCounts other)
                || !grid.equals(other.grid)
                || !countsByLabel.keySet().equals(other.countsByLabel.keySet())) {
            return false;
        }
        for (Map.Entry<String, long[]> entry : countsByLabel.entrySet()) {
            if (!Arrays.equals(entry.getValue(), other.countsByLabel.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, countsByLabel.keySet());
    }
}
