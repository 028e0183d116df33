package io.moelab.merge;

import java.util.List;

/**
 * One merge method's arithmetic on one tensor. Weights, densities and the other coefficients come
 * from the {@link MergeConfig} the method was made from ({@link MergeConfig#newMethod()}).
 */
public interface MergeMethod {

    /**
     * Merges the values of one tensor.
     *
     * @param tensorName the tensor's name in the checkpoints (it seeds DARE's random masks)
     * @param base       the base model's values; {@code null} only for {@code linear}, which ignores it
     * @param models     each model's values, in the order of {@link MergeConfig#models()}, all as long as
     *                   {@code base}
     * @return a new array of the merged values
     */
    float[] merge(String tensorName, float[] base, List<float[]> models);

    /** Checks that every array has one length and returns it. */
    static int commonLength(String tensorName, float[] base, List<float[]> models) {
        int length = base != null ? base.length : models.get(0).length;
        for (float[] model : models) {
            if (model.length != length) {
                throw new IllegalArgumentException(
                        "tensor '" + tensorName + "': models hold " + model.length + " and " + length + " values");
            }
        }
        return length;
    }
}
