package io.moelab.compress.linalg;

import static io.moelab.compress.linalg.JointSvdTest.concatenation;
import static io.moelab.compress.linalg.JointSvdTest.randomCluster;
import static io.moelab.compress.linalg.JointSvdTest.squaredDistance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LowRankSparseTest {

    /** 10×16 decomposes through W·Wᵀ, 16×10 through Wᵀ·W. */
    @ParameterizedTest
    @CsvSource({"10, 16", "16, 10"})
    void sparseEntriesOnlyLowerTheTruncatedSvdError(int rows, int cols) {
        float[] matrix = randomCluster(1, rows, cols, 1).get(0);
        double[] sigma = new SingularValueDecomposition(concatenation(List.of(matrix), rows, cols)).getSingularValues();
        double discarded = 0;
        for (int j = 3; j < sigma.length; j++) {
            discarded += sigma[j] * sigma[j];
        }

        LowRankSparse.Result lowRankOnly = LowRankSparse.compress(matrix, rows, cols, 3, 0);
        LowRankSparse.Result withSparse = LowRankSparse.compress(matrix, rows, cols, 3, 20);

        assertEquals(Math.sqrt(discarded), lowRankOnly.frobeniusError(), 1e-4 * Math.sqrt(discarded));
        assertEquals(Math.sqrt(squaredDistance(matrix, withSparse.rebuilt())), withSparse.frobeniusError(), 1e-9);
        assertTrue(
                withSparse.frobeniusError() < lowRankOnly.frobeniusError(),
                withSparse.frobeniusError() + " ≥ " + lowRankOnly.frobeniusError());
    }

    @Test
    void theSparsePartHoldsTheLargestResidualEntries() {
        int rows = 12;
        int cols = 9;
        float[] matrix = randomCluster(1, rows, cols, 2).get(0);
        float[] lowRank = LowRankSparse.compress(matrix, rows, cols, 2, 0).rebuilt();
        float[] rebuilt = LowRankSparse.compress(matrix, rows, cols, 2, 15).rebuilt();

        int[] byResidual = IntStream.range(0, matrix.length)
                .boxed()
                .sorted(Comparator.comparingDouble(k -> -Math.abs(matrix[k] - lowRank[k])))
                .mapToInt(Integer::intValue)
                .toArray();
        for (int position = 0; position < byResidual.length; position++) {
            int k = byResidual[position];
            assertEquals(
                    position < 15 ? matrix[k] : lowRank[k], rebuilt[k], "entry " + k + ", residual rank " + position);
        }
    }

    @Test
    void keepingEveryResidualEntryIsExact() {
        float[] matrix = randomCluster(1, 7, 11, 3).get(0);
        LowRankSparse.Result result = LowRankSparse.compress(matrix, 7, 11, 2, matrix.length);
        assertArrayEquals(matrix, result.rebuilt());
        assertEquals(0, result.frobeniusError());
    }

    @Test
    void aRankRMatrixIsRecoveredAtRankR() {
        Random random = new Random(4);
        int rows = 20;
        int cols = 12;
        float[] left = RandomMatrices.gaussian(rows * 3, 1.0, random);
        float[] right = RandomMatrices.gaussian(3 * cols, 1.0, random);
        float[] matrix = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                for (int t = 0; t < 3; t++) {
                    matrix[r * cols + c] += left[r * 3 + t] * right[t * cols + c];
                }
            }
        }
        LowRankSparse.Result result = LowRankSparse.compress(matrix, rows, cols, 3, 0);
        assertTrue(result.relativeError() < 1e-5, "relative error " + result.relativeError());
        assertArrayEquals(matrix, result.rebuilt(), 1e-4f);
    }

    @Test
    void rejectsBadInput() {
        float[] matrix = new float[6 * 4];
        assertThrows(IllegalArgumentException.class, () -> LowRankSparse.compress(matrix, 6, 4, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LowRankSparse.compress(matrix, 6, 4, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> LowRankSparse.compress(matrix, 6, 4, 2, -1));
        assertThrows(IllegalArgumentException.class, () -> LowRankSparse.compress(matrix, 6, 4, 2, 25));
        assertThrows(IllegalArgumentException.class, () -> LowRankSparse.compress(matrix, 5, 4, 2, 0));
    }
}
