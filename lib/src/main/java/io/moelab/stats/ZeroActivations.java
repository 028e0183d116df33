package io.moelab.stats;

import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * HoME's zero-activation share (expert collapse): per MoE layer and expert, the hidden activations
 * {@code silu(W1 x) ⊙ W3 x} with |a| below a threshold and all activations seen. Counts are
 * {@code long}s, so {@link #merge} is exact; accumulators of different thresholds do not merge.
 */
public final class ZeroActivations implements StatAccumulator<ZeroActivations> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final double threshold;
    private final long[] zeros;
    private final long[] entries;

    /** @param threshold |a| below it counts as zero */
    public ZeroActivations(ExpertGrid grid, double threshold) {
        if (!(threshold >= 0)) {
            throw new IllegalArgumentException("zero-activation threshold must be >= 0, got " + threshold);
        }
        this.grid = grid;
        this.threshold = threshold;
        zeros = new long[grid.cells()];
        entries = new long[grid.cells()];
    }

    /** Adds one expert's hidden activations. */
    public void add(int moeLayer, int expert, float[] activation) {
        int cell = grid.cell(moeLayer, expert);
        long below = 0;
        for (float a : activation) {
            if (Math.abs(a) < threshold) {
                below++;
            }
        }
        zeros[cell] += below;
        entries[cell] += activation.length;
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid or threshold. */
    @Override
    public ZeroActivations merge(ZeroActivations other) {
        grid.requireSame(other.grid, "zero activations");
        if (Double.compare(threshold, other.threshold) != 0) {
            throw new IllegalArgumentException(
                    "cannot merge zero activations below " + other.threshold + " into ones below " + threshold);
        }
        FixedPoint.addAll(zeros, other.zeros);
        FixedPoint.addAll(entries, other.entries);
        return this;
    }

    public double threshold() {
        return threshold;
    }

    /** Activations with |a| below the threshold. */
    public long zeros(int moeLayer, int expert) {
        return zeros[grid.cell(moeLayer, expert)];
    }

    /** All activations seen. */
    public long entries(int moeLayer, int expert) {
        return entries[grid.cell(moeLayer, expert)];
    }

    /** {@link #zeros} / {@link #entries}; NaN when the expert computed nothing. */
    public double share(int moeLayer, int expert) {
        long n = entries(moeLayer, expert);
        return n > 0 ? (double) zeros(moeLayer, expert) / n : Double.NaN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroActivations other
                && grid.equals(other.grid)
                && Double.compare(threshold, other.threshold) == 0
                && Arrays.equals(zeros, other.zeros)
                && Arrays.equals(entries, other.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, threshold, Arrays.hashCode(zeros), Arrays.hashCode(entries));
    }
}
