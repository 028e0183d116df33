package io.moelab.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Each method on small vectors whose merge is computed by hand in the comments. */
class MergeFormulaTest {
    private static final double EXACT = 1e-6;

    private static List<MergeModel> weighted(double... weights) {
        return IntStream.range(0, weights.length)
                .mapToObj(i -> new MergeModel(i, "m" + i, weights[i], 1.0))
                .toList();
    }

    private static List<MergeModel> withDensity(double density, double... weights) {
        return weighted(weights).stream()
                .map(m -> new MergeModel(m.index(), m.path(), m.weight(), density))
                .toList();
    }

    private static float[] plus(float[] base, double... taskVector) {
        float[] out = new float[base.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = (float) (base[j] + taskVector[j]);
        }
        return out;
    }

    private static void assertValues(double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int j = 0; j < expected.length; j++) {
            assertEquals(expected[j], actual[j], EXACT, "entry " + j);
        }
    }

    @Test
    void linearIsTheWeightedAverageOrSum() {
        float[] first = {1, 2, -4};
        float[] second = {3, 0, 4};
        // (1·θ1 + 3·θ2) / 4 = [10, 2, 8] / 4
        assertValues(
                new double[] {2.5, 0.5, 2},
                new LinearMerge(new double[] {1, 3}, true).merge("t", null, List.of(first, second)));
        assertValues(
                new double[] {10, 2, 8},
                new LinearMerge(new double[] {1, 3}, false).merge("t", null, List.of(first, second)));
    }

    @Test
    void taskArithmeticAddsTheWeightedTaskVectorsScaledByLambda() {
        float[] base = {1, 1, 1, 1};
        float[] first = plus(base, 1, -1, 0, 2);
        float[] second = plus(base, -1, 2, 0, 0);
        // Σ w τ = 0.5·[1, -1, 0, 2] + 1·[-1, 2, 0, 0] = [-0.5, 1.5, 0, 1]; θ = 1 + 2·that
        assertValues(
                new double[] {0, 4, 1, 3},
                new TaskArithmeticMerge(weighted(0.5, 1), 2, false).merge("t", base, List.of(first, second)));
        // normalize divides Σ w τ by Σ w = 1.5: [-1/3, 1, 0, 2/3]; θ = 1 + 2·that
        assertValues(
                new double[] {1.0 / 3, 3, 1, 7.0 / 3},
                new TaskArithmeticMerge(weighted(0.5, 1), 2, true).merge("t", base, List.of(first, second)));
    }

    /**
     * Three task vectors, density 0.5 (3 of 6 entries kept), weights 1, 1, 2, base all ones, λ = 0.5.
     * <pre>
     * τ1 = [ 4,  3,  1,  0.5, -2,  6 ]  trimmed → [ 4, 3,  0, 0,  0, 6 ]
     * τ2 = [-5,  1,  2, -0.5,  3, -1 ]  trimmed → [-5, 0,  2, 0,  3, 0 ]
     * τ3 = [ 1,  2, -3,  0.2, -4, 0.1]  trimmed → [ 0, 2, -3, 0, -4, 0 ]
     * weighted (τ3 × 2):   [4, 3, 0, 0, 0, 6], [-5, 0, 2, 0, 3, 0], [0, 4, -6, 0, -8, 0]
     * Σ = [-1, 7, -4, 0, -5, 6] → elected signs [-, +, -, + (0 counts as +), -, +]
     * agreeing: j0 {τ2}: -5/1; j1 {τ1, τ3}: (3 + 4)/(1 + 2) = 7/3; j2 {τ3}: -6/2; j3 none: 0;
     *           j4 {τ3}: -8/2; j5 {τ1}: 6/1
     * θ = 1 + 0.5 · [-5, 7/3, -3, 0, -4, 6]
     * </pre>
     */
    @Test
    void tiesTrimsElectsSignsAndTakesTheDisjointMean() {
        float[] base = {1, 1, 1, 1, 1, 1};
        List<float[]> fineTuned = List.of(
                plus(base, 4, 3, 1, 0.5, -2, 6), plus(base, -5, 1, 2, -0.5, 3, -1), plus(base, 1, 2, -3, 0.2, -4, 0.1));
        assertValues(
                new double[] {-1.5, 1 + 7.0 / 6, -0.5, 1, -1, 4},
                new TiesMerge(withDensity(0.5, 1, 1, 2), 0.5, true).merge("t", base, fineTuned));
        // Without normalize the agreeing weighted entries are summed: [-5, 7, -6, 0, -8, 6].
        assertValues(
                new double[] {-1.5, 4.5, -2, 1, -3, 4},
                new TiesMerge(withDensity(0.5, 1, 1, 2), 0.5, false).merge("t", base, fineTuned));
    }

    @Test
    void trimKeepsExactlyTheTopShareAndBreaksTiesByIndex() {
        float[] base = new float[5];
        float[] model = {1, -2, 2, 2, 0.5f};
        // k = ⌊0.4 · 5⌋ = 2; the 2nd largest magnitude is 2, held by entries 1, 2 and 3: the first two stay.
        TaskVectorFilter trim = MagnitudeTrim.of(0.4, base, model);
        double[] kept = new double[5];
        for (int j = 0; j < 5; j++) {
            kept[j] = trim.next(TaskVectorFilter.taskValue(base, model, j));
        }
        assertArrayEquals(new double[] {0, -2, 2, 0, 0}, kept);
        TaskVectorFilter none = MagnitudeTrim.of(0.1, base, model); // ⌊0.5⌋ = 0 entries
        assertEquals(0.0, none.next(-2));
    }

    @Test
    void trimThresholdIsTheSortedOrdersValueAtThatRank() {
        Random random = new Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + random.nextInt(300);
            boolean fewDistinct = trial % 2 == 0; // many ties, as zero task-vector entries give
            double[] values = new double[n];
            for (int j = 0; j < n; j++) {
                values[j] = fewDistinct ? random.nextInt(4) : random.nextGaussian();
            }
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int rank = random.nextInt(n);
            assertEquals(sorted[rank], MagnitudeTrim.select(values.clone(), rank), "n " + n + ", rank " + rank);
        }
    }

    @Test
    void dareWithoutDropsElectsSignsLikeTiesOrAddsLikeTaskArithmetic() {
        float[] base = {0, 0};
        List<float[]> fineTuned = List.of(new float[] {1, -2}, new float[] {-3, 1});
        // Σ τ = [-2, -1]: both entries elect "-"; the agreeing entries are τ2[0] = -3 and τ1[1] = -2.
        assertValues(
                new double[] {-3, -2},
                new DareTiesMerge(withDensity(1.0, 1, 1), 1, true, DareRescale.PAPER, 0).merge("t", base, fineTuned));
        assertValues(
                new double[] {-2, -1},
                new DareLinearMerge(withDensity(1.0, 1, 1), 1, false, DareRescale.PAPER, 0)
                        .merge("t", base, fineTuned));
    }
}
