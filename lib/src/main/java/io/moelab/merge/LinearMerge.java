package io.moelab.merge;

import java.util.Arrays;
import java.util.List;

/**
 * {@code linear}: the weighted average {@code θ = Σ w_i θ_i / Σ w_i} of the models (or the plain
 * weighted sum {@code Σ w_i θ_i} with {@code normalize: false}). As mergekit's {@code linear}, the
 * base model takes no part unless it is listed among the models, and normalising divides the
 * weighted sum by {@code Σ w_i} (which {@link MergeConfig} requires to be non-zero).
 */
public final class LinearMerge implements MergeMethod {
    private final double[] weights;
    private final boolean normalize;
    private final double weightSum;

    public LinearMerge(double[] weights, boolean normalize) {
        this.weights = weights.clone();
        this.normalize = normalize;
        this.weightSum = Arrays.stream(weights).sum();
    }

    @Override
    public float[] merge(String tensorName, float[] base, List<float[]> models) {
        if (models.size() != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + models.size() + " models");
        }
        float[] out = new float[MergeMethod.commonLength(tensorName, base, models)];
        for (int j = 0; j < out.length; j++) {
            double sum = 0;
            for (int i = 0; i < weights.length; i++) {
                sum += weights[i] * models.get(i)[j];
            }
            out[j] = (float) (normalize ? sum / weightSum : sum);
        }
        return out;
    }
}
