package io.moelab.compress;

import io.moelab.model.MatrixOps;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Row-major float[] products for compression methods, on the model's own sgemm path ({@link MatrixOps}). */
public final class Gemm {
    private Gemm() {}

    /** {@code x · Wᵀ} for x [rows × in] and W [out × in], both row-major; returns [rows × out]. */
    public static float[] timesTransposed(float[] x, int rows, float[] weight, int out) {
        return MatrixOps.linear(x, rows, MatrixOps.matrix(weight, out, weight.length / out));
    }

    /** An expert's {@code down_proj} output for rows x [n × hidden], in float32 as the model computes it. */
    public static float[] expertOutput(ExpertWeights expert, float[] x, int n) {
        int hidden = expert.hidden();
        int intermediate = expert.intermediate();
        INDArray activation = MatrixOps.swigluActivation(
                MatrixOps.matrix(x, n, hidden),
                MatrixOps.matrix(expert.gate(), intermediate, hidden),
                MatrixOps.matrix(expert.up(), intermediate, hidden));
        return MatrixOps.toFloats(
                MatrixOps.timesTransposed(activation, MatrixOps.matrix(expert.down(), hidden, intermediate)));
    }
}
