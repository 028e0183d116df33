package io.moelab.stats;

import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Expert output norms (expert collapse): per MoE layer and expert, the rows it computed and the
 * sum of their L2 {@code down_proj} output norms {@code Σ ‖y‖₂}.
 *
 * <p><b>Exactness.</b> Row counts are {@code long}s; each norm is rounded once to {@link FixedPoint}
 * (32 fractional bits; a sum is at most rows × the largest norm), so {@link #merge} is exact.
 */
public final class OutputNorms implements StatAccumulator<OutputNorms> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final long[] rows;
    private final long[] normSum;

    public OutputNorms(ExpertGrid grid) {
        this.grid = grid;
        rows = new long[grid.cells()];
        normSum = new long[grid.cells()];
    }

    /** Adds one expert's {@code down_proj} outputs, row-major [rows × hidden]. */
    public void add(int moeLayer, int expert, float[] output, int rows, int hidden) {
        int cell = grid.cell(moeLayer, expert);
        if (output.length != (long) rows * hidden) {
            throw new IllegalArgumentException(
                    "expert output has " + output.length + " values, expected " + rows + " × " + hidden);
        }
        long sum = normSum[cell];
        for (int r = 0; r < rows; r++) {
            double squares = 0;
            int off = r * hidden;
            for (int d = 0; d < hidden; d++) {
                squares += (double) output[off + d] * output[off + d];
            }
            sum = FixedPoint.add(sum, FixedPoint.encode(Math.sqrt(squares)));
        }
        normSum[cell] = sum;
        this.rows[cell] += rows;
    }

    /** Adds {@code other} into this; exact, associative, commutative; rejects another grid. */
    @Override
    public OutputNorms merge(OutputNorms other) {
        grid.requireSame(other.grid, "output norms");
        FixedPoint.addAll(rows, other.rows);
        FixedPoint.addAll(normSum, other.normSum);
        return this;
    }

    /** Output rows the expert computed. */
    public long rows(int moeLayer, int expert) {
        return rows[grid.cell(moeLayer, expert)];
    }

    /** Σ ‖y‖₂ over the rows the expert computed. */
    public double normSum(int moeLayer, int expert) {
        return FixedPoint.decode(normSum[grid.cell(moeLayer, expert)]);
    }

    /** Mean ‖y‖₂ per row; NaN when the expert computed no row. */
    public double meanNorm(int moeLayer, int expert) {
        long n = rows(moeLayer, expert);
        return n > 0 ? normSum(moeLayer, expert) / n : Double.NaN;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputNorms other
                && grid.equals(other.grid)
                && Arrays.equals(rows, other.rows)
                && Arrays.equals(normSum, other.normSum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(rows), Arrays.hashCode(normSum));
    }
}
