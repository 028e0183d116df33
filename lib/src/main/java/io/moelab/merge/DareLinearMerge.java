package io.moelab.merge;

import java.util.List;

/**
 * {@code dare_linear}: DARE's random drop and rescale on each task vector ({@link DareMerge}), then
 * task arithmetic, {@code θ = θ_base + λ Σ w_i τ̃_i}; {@code normalize} defaults to false as in
 * mergekit.
 */
public final class DareLinearMerge extends DareMerge {

    public DareLinearMerge(List<MergeModel> models, double lambda, boolean normalize, DareRescale rescale, long seed) {
        super(models, lambda, normalize, rescale, seed, false);
    }
}
