package io.moelab.compress.linalg;

import java.util.List;

/** {@code Σ c_i · M_i} over equally sized float arrays. */
public final class WeightedSum {
    private WeightedSum() {}

    /**
     * Accumulated in double and rounded once, so the result does not depend on the order of the
     * matrices.
     */
    public static float[] of(List<float[]> matrices, double[] coefficients) {
        if (matrices.isEmpty() || matrices.size() != coefficients.length) {
            throw new IllegalArgumentException(
                    matrices.size() + " matrices but " + coefficients.length + " coefficients");
        }
        int length = matrices.get(0).length;
        for (float[] matrix : matrices) {
            if (matrix.length != length) {
                throw new IllegalArgumentException("matrices of " + length + " and " + matrix.length + " entries");
            }
        }
        float[] out = new float[length];
        for (int i = 0; i < length; i++) {
            double sum = 0;
            for (int m = 0; m < coefficients.length; m++) {
                sum += coefficients[m] * matrices.get(m)[i];
            }
            out[i] = (float) sum;
        }
        return out;
    }
}
