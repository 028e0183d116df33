package io.moelab.merge;

import java.util.List;

/**
 * The loop that task arithmetic, TIES and DARE share, as mergekit's generalized task arithmetic
 * computes it per entry: each model's task vector {@code τ_i = θ_i − θ_base} passes the method's
 * {@link #filter} (trim or random drop), is weighted by {@code w_i}, and the weighted entries are
 * combined:
 * <ul>
 *   <li>without sign election: {@code m = Σ w_i τ_i}, divisor {@code Σ w_i} (1 when its magnitude is
 *       below 1e-8);</li>
 *   <li>with sign election (TIES): the elected sign is that of {@code Σ w_i τ_i} (+ when the sum is 0);
 *       only entries whose weighted value has that sign count (a dropped, zero entry never does):
 *       {@code m = Σ_agree w_i τ_i}, divisor {@code Σ_agree w_i} (1 when none agrees).</li>
 * </ul>
 * With {@code normalize} the mix is divided by the divisor (with sign election that is TIES's
 * disjoint mean). The result is {@code θ = θ_base + λ · m}, rounded once to float32.
 */
public abstract class TaskVectorMerge implements MergeMethod {
    /** mergekit's bound under which a weight sum is treated as zero and not divided by. */
    private static final double TINY_DIVISOR = 1e-8;

    private final List<MergeModel> models;
    private final double[] weights;
    private final double lambda;
    private final boolean normalize;
    private final boolean electSign;

    TaskVectorMerge(List<MergeModel> models, double lambda, boolean normalize, boolean electSign) {
        this.models = List.copyOf(models);
        this.weights = models.stream().mapToDouble(MergeModel::weight).toArray();
        this.lambda = lambda;
        this.normalize = normalize;
        this.electSign = electSign;
    }

    /** The model at {@code position} in the config's order (after the base, if listed, was left out). */
    MergeModel model(int position) {
        return models.get(position);
    }

    /** What is kept of model {@code position}'s task vector on this tensor. */
    abstract TaskVectorFilter filter(String tensorName, int position, float[] base, float[] model);

    @Override
    public final float[] merge(String tensorName, float[] base, List<float[]> fineTuned) {
        if (base == null || fineTuned.size() != weights.length) {
            throw new IllegalArgumentException("tensor '" + tensorName + "': needs the base and " + weights.length
                    + " models, got " + (base == null ? "no base and " : "") + fineTuned.size() + " models");
        }
        int length = MergeMethod.commonLength(tensorName, base, fineTuned);
        TaskVectorFilter[] filters = new TaskVectorFilter[weights.length];
        for (int i = 0; i < weights.length; i++) {
            filters[i] = filter(tensorName, i, base, fineTuned.get(i));
        }
        double weightSum = 0;
        for (double w : weights) {
            weightSum += w;
        }
        double[] weighted = new double[weights.length];
        float[] out = new float[length];
        for (int j = 0; j < length; j++) {
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                weighted[i] = weights[i] * filters[i].next(TaskVectorFilter.taskValue(base, fineTuned.get(i), j));
                sum += weighted[i];
            }
            double mixed;
            double divisor;
            if (electSign) {
                double elected = sum >= 0 ? 1.0 : -1.0;
                mixed = 0;
                divisor = 0;
                for (int i = 0; i < weights.length; i++) {
                    if (Math.signum(weighted[i]) == elected) {
                        mixed += weighted[i];
                        divisor += weights[i];
                    }
                }
                divisor = divisor == 0 ? 1.0 : divisor;
            } else {
                mixed = sum;
                divisor = Math.abs(weightSum) < TINY_DIVISOR ? 1.0 : weightSum;
            }
            if (normalize) {
                mixed /= divisor;
            }
            out[j] = (float) (base[j] + lambda * mixed);
        }
        return out;
    }
}
