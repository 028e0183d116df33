package io.moelab.merge;

import java.util.List;

/**
 * {@code task_arithmetic} (Ilharco et al., "Editing Models with Task Arithmetic", ICLR 2023):
 * {@code θ = θ_base + λ Σ w_i τ_i} with {@code τ_i = θ_i − θ_base}. As in mergekit,
 * {@code normalize} defaults to false; set, it divides {@code Σ w_i τ_i} by {@code Σ w_i}.
 */
public final class TaskArithmeticMerge extends TaskVectorMerge {

    public TaskArithmeticMerge(List<MergeModel> models, double lambda, boolean normalize) {
        super(models, lambda, normalize, false);
    }

    @Override
    TaskVectorFilter filter(String tensorName, int position, float[] base, float[] model) {
        return TaskVectorFilter.KEEP_ALL;
    }
}
