package io.moelab.stats;

import java.io.Serial;
import java.util.Arrays;
import java.util.Objects;

/**
 * Super-expert maxima (Super Experts): per MoE layer and expert, the largest |down_proj output|
 * seen and its hidden dimension. The maximum is kept by (larger value, then lower dimension) and
 * NaN values are ignored, so {@link #merge} is exact, associative and commutative.
 */
public final class OutputMaxima implements StatAccumulator<OutputMaxima> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ExpertGrid grid;
    private final float[] maxAbsOutput;
    /** −1 while the expert has produced no (non-NaN) output. */
    private final int[] maxAbsDim;

    public OutputMaxima(ExpertGrid grid) {
        this.grid = grid;
        maxAbsOutput = new float[grid.cells()];
        maxAbsDim = new int[grid.cells()];
        Arrays.fill(maxAbsDim, -1);
    }

    /** Adds one expert's {@code down_proj} outputs, row-major [rows × hidden]. */
    public void add(int moeLayer, int expert, float[] output, int rows, int hidden) {
        int cell = grid.cell(moeLayer, expert);
        if (output.length != (long) rows * hidden) {
            throw new IllegalArgumentException(
                    "expert output has " + output.length + " values, expected " + rows + " × " + hidden);
        }
        float best = maxAbsOutput[cell];
        int bestDim = maxAbsDim[cell];
        for (int r = 0; r < rows; r++) {
            int off = r * hidden;
            for (int d = 0; d < hidden; d++) {
                float v = Math.abs(output[off + d]);
                if (isBetterMax(v, d, best, bestDim)) {
                    best = v;
                    bestDim = d;
                }
            }
        }
        maxAbsOutput[cell] = best;
        maxAbsDim[cell] = bestDim;
    }

    /** (value, dim) beats (best, bestDim): larger value, then lower dimension; NaN never wins; dim −1 = nothing yet. */
    private static boolean isBetterMax(float value, int dim, float best, int bestDim) {
        if (Float.isNaN(value)) {
            return false;
        }
        if (bestDim < 0) {
            return true;
        }
        return value > best || (value == best && dim < bestDim);
    }

    /** Keeps, per cell, the better of the two maxima; exact, associative, commutative; rejects another grid. */
    @Override
    public OutputMaxima merge(OutputMaxima other) {
        grid.requireSame(other.grid, "output maxima");
        for (int i = 0; i < maxAbsOutput.length; i++) {
            if (other.maxAbsDim[i] >= 0
                    && isBetterMax(other.maxAbsOutput[i], other.maxAbsDim[i], maxAbsOutput[i], maxAbsDim[i])) {
                maxAbsOutput[i] = other.maxAbsOutput[i];
                maxAbsDim[i] = other.maxAbsDim[i];
            }
        }
        return this;
    }

    /** Max |down_proj output| seen; NaN when the expert produced no output. */
    public double maxAbsOutput(int moeLayer, int expert) {
        int cell = grid.cell(moeLayer, expert);
        return maxAbsDim[cell] >= 0 ? maxAbsOutput[cell] : Double.NaN;
    }

    /** Hidden dimension of {@link #maxAbsOutput}; −1 when the expert produced no output. */
    public int maxAbsDim(int moeLayer, int expert) {
        return maxAbsDim[grid.cell(moeLayer, expert)];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutputMaxima other
                && grid.equals(other.grid)
                && Arrays.equals(maxAbsOutput, other.maxAbsOutput)
                && Arrays.equals(maxAbsDim, other.maxAbsDim);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, Arrays.hashCode(maxAbsOutput), Arrays.hashCode(maxAbsDim));
    }
}
