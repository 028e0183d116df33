package io.moelab.merge;

import java.util.SplittableRandom;

/**
 * DARE's drop step: keeps each entry of one tensor's task vector with probability
 * {@code density = 1 − p} and rescales the kept ones ({@link DareRescale}). The mask is a
 * {@link SplittableRandom} stream from one seed: entry {@code j} is kept when the stream's j-th
 * {@code nextDouble()} is below the density, so the mask depends on the seed and the tensor's size
 * only, never on the values. A density of 1 keeps everything and draws nothing, as in mergekit.
 *
 * <p>The L1 rescale needs the kept mass before the first entry is returned, so it replays the
 * stream twice: once to sum {@code |τ|} over all and over kept entries, once to apply
 * {@code τ · Σ|τ| / Σ_kept|τ|}. As in mergekit, a tensor with either sum below {@value #L1_EPSILON}
 * keeps its entries unscaled.
 */
final class RandomDrop {
    /** mergekit's {@code eps} in {@code rescaled_masked_tensor}. */
    static final double L1_EPSILON = 1e-7;

    private RandomDrop() {}

    static TaskVectorFilter of(long maskSeed, double density, DareRescale rescale, float[] base, float[] model) {
        if (density >= 1) {
            return TaskVectorFilter.KEEP_ALL;
        }
        if (rescale == DareRescale.PAPER) {
            SplittableRandom mask = new SplittableRandom(maskSeed);
            return value -> mask.nextDouble() < density ? value / density : 0.0;
        }
        SplittableRandom firstPass = new SplittableRandom(maskSeed);
        double total = 0;
        double kept = 0;
        for (int j = 0; j < base.length; j++) {
            double magnitude = Math.abs(TaskVectorFilter.taskValue(base, model, j));
            total += magnitude;
            if (firstPass.nextDouble() < density) {
                kept += magnitude;
            }
        }
        double scale = total < L1_EPSILON || kept < L1_EPSILON ? 1.0 : total / kept;
        SplittableRandom mask = new SplittableRandom(maskSeed);
        return value -> mask.nextDouble() < density ? value * scale : 0.0;
    }
}
