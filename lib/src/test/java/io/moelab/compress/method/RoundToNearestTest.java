package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.compress.ExpertWeights;
import io.moelab.compress.RandomLayers;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoundToNearestTest {

    @Test
    void twoBitRowOnItsMinMaxGridRoundsHalfToEven() {
        // min −1, max 2: scale 1, zero point 1; 0.5 / 1 = 0.5 rounds to 0 (half to even).
        assertArrayEquals(new float[] {-1, 0, 0, 2}, RoundToNearest.rows(new float[] {-1, 0, 0.5f, 2}, 1, 4, 2));
    }

    @Test
    void theGridOfAPositiveRowReachesDownToZero() {
        // Range widened to [0, 4]: scale 4/3, zero point 0; 1, 2, 3, 4 → 0.75, 1.5, 2.25, 3 steps → 1, 2, 2, 3.
        assertArrayEquals(
                new float[] {4f / 3, 8f / 3, 8f / 3, 4}, RoundToNearest.rows(new float[] {1, 2, 3, 4}, 1, 4, 2), 1e-6f);
    }

    @Test
    void eachRowIsQuantisedOnItsOwnGrid() {
        float[] matrix = {-1, 0, 0.5f, 2, 0, 0, 0, 0, 1, 2, 3, 4};
        assertArrayEquals(
                new float[] {-1, 0, 0, 2, 0, 0, 0, 0, 4f / 3, 8f / 3, 8f / 3, 4},
                RoundToNearest.rows(matrix, 3, 4, 2),
                1e-6f);
    }

    @Test
    void eightBitErrorIsAtMostHalfAStepPerEntry() {
        int rows = 16;
        int cols = 64;
        float[] matrix = RandomLayers.gaussians(new Random(3), rows * cols);
        float[] quantised = RoundToNearest.rows(matrix, rows, cols, 8);
        for (int r = 0; r < rows; r++) {
            double min = 0;
            double max = 0;
            for (int c = 0; c < cols; c++) {
                min = Math.min(min, matrix[r * cols + c]);
                max = Math.max(max, matrix[r * cols + c]);
            }
            double halfStep = (max - min) / 255 / 2;
            for (int c = 0; c < cols; c++) {
                int i = r * cols + c;
                double error = Math.abs(matrix[i] - quantised[i]);
                assertTrue(
                        error <= halfStep + Math.ulp(quantised[i]),
                        "row " + r + " column " + c + ": error " + error + " above half a step " + halfStep);
            }
        }
    }

    @Test
    void aRowTakesAtMostTwoToTheBitsValues() {
        int cols = 200;
        float[] quantised = RoundToNearest.rows(RandomLayers.gaussians(new Random(5), cols), 1, cols, 3);
        long distinct = IntStream.range(0, cols)
                .mapToDouble(c -> quantised[c])
                .distinct()
                .count();
        assertTrue(distinct <= 8, distinct + " values in a 3-bit row");
    }

    @Test
    void expertMatricesAreQuantisedPerOutputChannel() {
        ExpertWeights expert = RandomLayers.randomExpert(new Random(9), 3, 5);
        ExpertWeights quantised = RoundToNearest.expert(expert, 3);
        assertArrayEquals(RoundToNearest.rows(expert.gate(), 5, 3, 3), quantised.gate());
        assertArrayEquals(RoundToNearest.rows(expert.up(), 5, 3, 3), quantised.up());
        // down_proj is [hidden × intermediate]: its output channels are its 3 rows of 5.
        assertArrayEquals(RoundToNearest.rows(expert.down(), 3, 5, 3), quantised.down());
    }
}
