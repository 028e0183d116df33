package io.moelab.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.data.Murmur3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** DARE's random masks: reproducible, seed-dependent, at the expected rate, and both rescales. */
class DareMergeTest {
    private static final int SIZE = 200_000;
    private static final double DENSITY = 0.3;

    private static float[] base() {
        float[] base = new float[SIZE];
        Random random = new Random(1);
        for (int j = 0; j < SIZE; j++) {
            base[j] = (float) random.nextGaussian();
        }
        return base;
    }

    /** A model whose task vector has no zero entry, so the kept entries are exactly the non-zero deltas. */
    private static float[] fineTuned(float[] base, long seed) {
        float[] model = new float[SIZE];
        Random random = new Random(seed);
        for (int j = 0; j < SIZE; j++) {
            model[j] = base[j] + (float) ((random.nextBoolean() ? 1 : -1) * (0.25 + random.nextDouble()));
        }
        return model;
    }

    private static boolean[] mask(float[] base, float[] merged) {
        boolean[] kept = new boolean[merged.length];
        for (int j = 0; j < merged.length; j++) {
            kept[j] = merged[j] != base[j];
        }
        return kept;
    }

    private static float[] dareLinear(
            long seed, int modelIndex, String tensor, DareRescale rescale, float[] base, float[] model) {
        return new DareLinearMerge(List.of(new MergeModel(modelIndex, "m", 1, DENSITY)), 1, false, rescale, seed)
                .merge(tensor, base, List.of(model));
    }

    @Test
    void masksAreReproducibleAndDependOnSeedTensorAndModel() {
        float[] base = base();
        float[] model = fineTuned(base, 2);
        boolean[] reference = mask(base, dareLinear(7, 0, "w", DareRescale.PAPER, base, model));
        assertTrue(
                Arrays.equals(reference, mask(base, dareLinear(7, 0, "w", DareRescale.PAPER, base, model))),
                "same seed, same mask");
        assertFalse(
                Arrays.equals(reference, mask(base, dareLinear(8, 0, "w", DareRescale.PAPER, base, model))),
                "another seed");
        assertFalse(
                Arrays.equals(reference, mask(base, dareLinear(7, 0, "v", DareRescale.PAPER, base, model))),
                "another tensor");
        assertFalse(
                Arrays.equals(reference, mask(base, dareLinear(7, 1, "w", DareRescale.PAPER, base, model))),
                "another model");
        float[] otherValues = fineTuned(base, 3);
        assertTrue(
                Arrays.equals(reference, mask(base, dareLinear(7, 0, "w", DareRescale.L1, base, otherValues))),
                "the mask depends on the seed, never on the values or the rescale");
    }

    @Test
    void keepRateIsTheDensity() {
        float[] base = base();
        boolean[] kept = mask(base, dareLinear(11, 0, "w", DareRescale.PAPER, base, fineTuned(base, 2)));
        long count = 0;
        for (boolean k : kept) {
            count += k ? 1 : 0;
        }
        double sigma = Math.sqrt(DENSITY * (1 - DENSITY) / SIZE);
        assertEquals(DENSITY, (double) count / SIZE, 5 * sigma);
    }

    @Test
    void paperRescaleDividesKeptEntriesByTheDensity() {
        float[] base = base();
        float[] model = fineTuned(base, 2);
        float[] merged = dareLinear(5, 0, "w", DareRescale.PAPER, base, model);
        for (int j = 0; j < SIZE; j++) {
            double task = (double) model[j] - base[j];
            double expected = merged[j] != base[j] ? base[j] + task / DENSITY : base[j];
            assertEquals((float) expected, merged[j], "entry " + j);
        }
    }

    @Test
    void l1RescalePreservesTheTaskVectorsL1Norm() {
        float[] base = base();
        float[] model = fineTuned(base, 2);
        double before = 0;
        for (int j = 0; j < SIZE; j++) {
            before += Math.abs((double) model[j] - base[j]);
        }
        TaskVectorFilter drop = RandomDrop.of(DareMerge.maskSeed(5, "w", 0), DENSITY, DareRescale.L1, base, model);
        double after = 0;
        for (int j = 0; j < SIZE; j++) {
            after += Math.abs(drop.next(TaskVectorFilter.taskValue(base, model, j)));
        }
        assertEquals(before, after, before * 1e-12, "exactly, in double");

        float[] merged = dareLinear(5, 0, "w", DareRescale.L1, base, model);
        double merge = 0;
        for (int j = 0; j < SIZE; j++) {
            merge += Math.abs((double) merged[j] - base[j]);
        }
        assertEquals(before, merge, before * 1e-6, "within float32 rounding of the merged tensor");
        float[] paper = dareLinear(5, 0, "w", DareRescale.PAPER, base, model);
        assertFalse(Arrays.equals(paper, merged), "the two rescales differ");
    }

    @Test
    void maskSeedIsMurmur3OfSeedModelIndexAndTensorName() {
        byte[] name = "model.layers.0.mlp.gate.weight".getBytes(StandardCharsets.UTF_8);
        byte[] key = ByteBuffer.allocate(12 + name.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(42)
                .putInt(3)
                .put(name)
                .array();
        assertEquals(Murmur3.hash64(key, 0), DareMerge.maskSeed(42, "model.layers.0.mlp.gate.weight", 3));
    }
}
