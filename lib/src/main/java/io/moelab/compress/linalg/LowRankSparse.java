package io.moelab.compress.linalg;

import java.util.Arrays;
import java.util.List;

/**
 * MC-SMoE's compression of a merged expert matrix (P. Li et al., "Merge, Then Compress: Demystify
 * Efficient SMoE with Hints from Its Routing Policy", ICLR 2024; docs/METHODS.md §2): {@code W ≈ L·R + S}
 * with {@code L·R} the rank-r truncated SVD of W (the factor pair's initialisation in the paper,
 * used as is here: no fine-tuning) and S holding the {@code sparseCount} largest-magnitude entries
 * of the residual {@code W − L·R}. The rebuilt matrix equals W exactly at those entries.
 *
 * <p>The SVD goes through {@link ConcatenatedSvd} with one block, on the smaller Gram side (for
 * gate/up [intermediate × hidden], the hidden one).
 */
public final class LowRankSparse {
    private LowRankSparse() {}

    /**
     * @param rebuilt {@code L·R + S}, row-major as the input
     * @param frobeniusError {@code ‖W − rebuilt‖_F}, in double
     * @param relativeError {@code ‖W − rebuilt‖_F / ‖W‖_F} (0 for an all-zero W)
     */
    public record Result(float[] rebuilt, double frobeniusError, double relativeError) {}

    /**
     * @param rank 1 to {@code min(rows, cols)}
     * @param sparseCount residual entries kept, 0 to {@code rows·cols}; ties at the threshold are
     *     kept in index order
     */
    public static Result compress(float[] matrix, int rows, int cols, int rank, int sparseCount) {
        if (sparseCount < 0 || sparseCount > matrix.length) {
            throw new IllegalArgumentException(
                    "sparse count must be in [0, " + matrix.length + "], got " + sparseCount);
        }
        float[] rebuilt;
        try (ConcatenatedSvd svd = ConcatenatedSvd.compute(List.of(matrix), rows, cols, rank)) {
            rebuilt = svd.rebuild(new double[] {1});
        }
        restoreLargestResiduals(matrix, rebuilt, sparseCount);
        double errorSquared = 0;
        double normSquared = 0;
        for (int i = 0; i < matrix.length; i++) {
            double difference = (double) matrix[i] - rebuilt[i];
            errorSquared += difference * difference;
            normSquared += (double) matrix[i] * matrix[i];
        }
        double error = Math.sqrt(errorSquared);
        return new Result(rebuilt, error, normSquared == 0 ? 0 : error / Math.sqrt(normSquared));
    }

    /** Adds S: sets {@code count} entries with the largest |W − lowRank| back to W's values. */
    private static void restoreLargestResiduals(float[] matrix, float[] lowRank, int count) {
        if (count == 0) {
            return;
        }
        float[] magnitudes = new float[matrix.length];
        for (int i = 0; i < matrix.length; i++) {
            magnitudes[i] = Math.abs(matrix[i] - lowRank[i]);
        }
        float[] sorted = magnitudes.clone();
        Arrays.sort(sorted);
        float threshold = sorted[matrix.length - count];
        int atThreshold = 0;
        for (int i = matrix.length - count; i < matrix.length && sorted[i] == threshold; i++) {
            atThreshold++;
        }
        for (int i = 0; i < matrix.length; i++) {
            if (magnitudes[i] > threshold) {
                lowRank[i] = matrix[i];
            } else if (magnitudes[i] == threshold && atThreshold > 0) {
                lowRank[i] = matrix[i];
                atThreshold--;
            }
        }
    }
}
