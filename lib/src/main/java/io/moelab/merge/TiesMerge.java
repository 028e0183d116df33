package io.moelab.merge;

import java.util.List;

/**
 * {@code ties} (Yadav et al., "TIES-Merging: Resolving Interference When Merging Models",
 * NeurIPS 2023): trim each task vector to its top {@code density} share by magnitude
 * ({@link MagnitudeTrim}, per tensor as mergekit does), elect a sign per entry as the sign of
 * {@code Σ w_i τ_i} over the trimmed vectors, and average only the entries that agree with it,
 * weighted by {@code w_i} (the reference code's disjoint mean; with {@code normalize: false} the
 * agreeing entries are summed instead): {@code θ = θ_base + λ · that}. Sign election and divisor
 * follow mergekit's {@code get_mask(method="sum")} (see {@link TaskVectorMerge}).
 */
public final class TiesMerge extends TaskVectorMerge {

    public TiesMerge(List<MergeModel> models, double lambda, boolean normalize) {
        super(models, lambda, normalize, true);
    }

    @Override
    TaskVectorFilter filter(String tensorName, int position, float[] base, float[] model) {
        return MagnitudeTrim.of(model(position).density(), base, model);
    }
}
