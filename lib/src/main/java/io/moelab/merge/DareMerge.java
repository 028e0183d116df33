package io.moelab.merge;

import io.moelab.data.Murmur3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * DARE (Yu et al., "Language Models are Super Mario: Absorbing Abilities from Homologous Models as
 * a Free Lunch", ICML 2024): each task vector entry is dropped with probability {@code p} and the
 * kept ones rescaled ({@link RandomDrop}, {@link DareRescale}); the pruned task vectors are then
 * combined linearly ({@link DareLinearMerge}) or by TIES's sign election ({@link DareTiesMerge}).
 *
 * <p><b>Reproducible masks.</b> The mask of (tensor, model) is drawn from a stream seeded by
 * {@link #maskSeed}: the first 64 bits of MurmurHash3 x64-128 (seed 0) of the bytes
 * {@code config seed (8 bytes, little-endian) ‖ model index (4 bytes, little-endian) ‖ tensor
 * name (UTF-8)}, where the model index is the model's position in the config's {@code models:}
 * list. So a mask depends on the seed, the model and the tensor only: not on which other tensors a
 * Spark task merges, nor in what order.
 */
public abstract class DareMerge extends TaskVectorMerge {
    private final DareRescale rescale;
    private final long seed;

    DareMerge(
            List<MergeModel> models,
            double lambda,
            boolean normalize,
            DareRescale rescale,
            long seed,
            boolean electSign) {
        super(models, lambda, normalize, electSign);
        this.rescale = rescale;
        this.seed = seed;
    }

    @Override
    final TaskVectorFilter filter(String tensorName, int position, float[] base, float[] model) {
        MergeModel source = model(position);
        return RandomDrop.of(maskSeed(seed, tensorName, source.index()), source.density(), rescale, base, model);
    }

    /** The seed of the DARE mask of one tensor of one model (see the class comment). */
    public static long maskSeed(long configSeed, String tensorName, int modelIndex) {
        byte[] name = tensorName.getBytes(StandardCharsets.UTF_8);
        ByteBuffer key = ByteBuffer.allocate(12 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        key.putLong(configSeed).putInt(modelIndex).put(name);
        return Murmur3.hash64(key.array(), 0);
    }
}
