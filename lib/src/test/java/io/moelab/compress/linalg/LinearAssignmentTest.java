package io.moelab.compress.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearAssignmentTest {

    @Test
    void minimisesAHandComputedThreeByThree() {
        // Optimum 1 + 2 + 2 = 5; the next best permutation costs 6.
        float[] cost = {4, 1, 3, 2, 0, 5, 3, 2, 2};
        int[] assignment = LinearAssignment.minimize(cost, 3);
        assertArrayEquals(new int[] {1, 0, 2}, assignment);
        assertEquals(5, LinearAssignment.total(cost, 3, assignment));
    }

    @Test
    void minimisesAndMaximisesAHandComputedFourByFour() {
        float[] matrix = {90, 76, 75, 70, 35, 85, 55, 65, 125, 95, 90, 105, 45, 110, 95, 115};
        // Minimum 70 + 55 + 95 + 45 = 265 (next 276); maximum 75 + 85 + 125 + 115 = 400 (next 380).
        assertArrayEquals(new int[] {3, 2, 1, 0}, LinearAssignment.minimize(matrix, 4));
        assertArrayEquals(new int[] {2, 1, 0, 3}, LinearAssignment.maximize(matrix, 4));
    }

    @Test
    void maximisesAllNegativeProfits() {
        float[] profit = {-5, -1, -9, -2, -8, -3, -7, -4, -6};
        int[] assignment = LinearAssignment.maximize(profit, 3);
        assertArrayEquals(new int[] {1, 0, 2}, assignment);
        assertEquals(-9, LinearAssignment.total(profit, 3, assignment));
    }

    @Test
    void matchesBruteForceOnRandomSevenBySeven() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            float[] matrix = new float[49];
            for (int i = 0; i < matrix.length; i++) {
                // Half the trials on a few integer levels, so that ties and equal optima are common.
                matrix[i] = trial % 2 == 0 ? (float) random.nextGaussian() : random.nextInt(4) - 2;
            }
            double[] bruteForce = bruteForceMinAndMax(matrix, 7);
            int[] minimum = LinearAssignment.minimize(matrix, 7);
            int[] maximum = LinearAssignment.maximize(matrix, 7);
            assertPermutation(minimum);
            assertPermutation(maximum);
            assertEquals(bruteForce[0], LinearAssignment.total(matrix, 7, minimum), 1e-5, "minimum, trial " + trial);
            assertEquals(bruteForce[1], LinearAssignment.total(matrix, 7, maximum), 1e-5, "maximum, trial " + trial);
        }
    }

    @Test
    void anAllEqualMatrixGivesSomePermutation() {
        float[] matrix = new float[36];
        Arrays.fill(matrix, 1.5f);
        int[] assignment = LinearAssignment.maximize(matrix, 6);
        assertPermutation(assignment);
        assertEquals(9.0, LinearAssignment.total(matrix, 6, assignment));
    }

    @Test
    void findsAPlantedPermutationOfADominantDiagonal() {
        int n = 500;
        Random random = new Random(11);
        int[] planted = RandomMatrices.shuffled(n, random);
        float[] profit = new float[n * n];
        for (int i = 0; i < profit.length; i++) {
            profit[i] = (float) random.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            profit[i * n + planted[i]] += 10;
        }
        assertArrayEquals(planted, LinearAssignment.maximize(profit, n));
    }

    @Test
    void handlesTrivialSizes() {
        assertArrayEquals(new int[0], LinearAssignment.maximize(new float[0], 0));
        assertArrayEquals(new int[] {0}, LinearAssignment.minimize(new float[] {-3}, 1));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> LinearAssignment.maximize(new float[5], 2));
        assertThrows(
                IllegalArgumentException.class, () -> LinearAssignment.maximize(new float[] {1, Float.NaN, 0, 0}, 2));
        assertThrows(
                IllegalArgumentException.class,
                () -> LinearAssignment.minimize(new float[] {1, Float.POSITIVE_INFINITY, 0, 0}, 2));
    }

    /** {min, max} of Σ m[i][p(i)] over all permutations p, summed in double like total(). */
    private static double[] bruteForceMinAndMax(float[] matrix, int n) {
        double[] best = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        permute(matrix, n, new int[n], new boolean[n], 0, best);
        return best;
    }

    private static void permute(float[] matrix, int n, int[] chosen, boolean[] used, int row, double[] best) {
        if (row == n) {
            best[0] = Math.min(best[0], LinearAssignment.total(matrix, n, chosen));
            best[1] = Math.max(best[1], LinearAssignment.total(matrix, n, chosen));
            return;
        }
        for (int col = 0; col < n; col++) {
            if (!used[col]) {
                used[col] = true;
                chosen[row] = col;
                permute(matrix, n, chosen, used, row + 1, best);
                used[col] = false;
            }
        }
    }

    private static void assertPermutation(int[] assignment) {
        boolean[] seen = new boolean[assignment.length];
        for (int col : assignment) {
            assertTrue(col >= 0 && col < assignment.length && !seen[col], "not a permutation");
            seen[col] = true;
        }
    }
}
