package io.moelab.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Merges that must give back the fine-tuned model bit for bit. */
class MergeIdentityTest {
    private static final int SIZE = 4096;

    private static float[] values(long seed, double scale) {
        Random random = new Random(seed);
        float[] values = new float[SIZE];
        for (int j = 0; j < SIZE; j++) {
            // Magnitudes over many binades, and some entries equal to the base's.
            values[j] = j % 17 == 0 ? 0 : (float) (scale * random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
        }
        return values;
    }

    private final float[] base = values(1, 1);
    private final float[] fineTuned = fineTuned();

    private float[] fineTuned() {
        float[] delta = values(2, 0.1);
        float[] out = new float[SIZE];
        for (int j = 0; j < SIZE; j++) {
            out[j] = base[j] + delta[j];
        }
        return out;
    }

    private static List<MergeModel> one(double weight, double density) {
        return List.of(new MergeModel(0, "m", weight, density));
    }

    @Test
    void dareWithNoDropGivesTheModelBack() {
        assertArrayEquals(
                fineTuned,
                new DareLinearMerge(one(1, 1), 1, false, DareRescale.PAPER, 3).merge("t", base, List.of(fineTuned)));
        assertArrayEquals(
                fineTuned,
                new DareLinearMerge(one(1, 1), 1, false, DareRescale.L1, 3).merge("t", base, List.of(fineTuned)));
        assertArrayEquals(
                fineTuned,
                new DareTiesMerge(one(1, 1), 1, false, DareRescale.PAPER, 3).merge("t", base, List.of(fineTuned)));
    }

    @Test
    void tiesWithFullDensityAndOneModelGivesTheModelBack() {
        assertArrayEquals(fineTuned, new TiesMerge(one(1, 1), 1, true).merge("t", base, List.of(fineTuned)));
        assertArrayEquals(fineTuned, new TiesMerge(one(0.3, 1), 1, true).merge("t", base, List.of(fineTuned)));
    }

    @Test
    void linearOfOneModelGivesTheModelBack() {
        assertArrayEquals(fineTuned, new LinearMerge(new double[] {0.7}, true).merge("t", null, List.of(fineTuned)));
        assertArrayEquals(fineTuned, new LinearMerge(new double[] {1}, false).merge("t", base, List.of(fineTuned)));
    }

    @Test
    void taskArithmeticWithUnitLambdaAndWeightGivesTheModelBack() {
        assertArrayEquals(fineTuned, new TaskArithmeticMerge(one(1, 1), 1, false).merge("t", base, List.of(fineTuned)));
    }
}
