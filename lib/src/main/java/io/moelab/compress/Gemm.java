package io.moelab.compress;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;

/** Row-major float[] products on ND4J's sgemm, for calibration-sized work in compression methods. */
final class Gemm {
    private Gemm() {
    }

    /** {@code x · Wᵀ} for x [rows × in] and W [out × in], both row-major; returns [rows × out]. */
    static float[] timesTransposed(float[] x, int rows, float[] weight, int out) {
        int in = x.length / Math.max(rows, 1);
        INDArray product = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, out}, 'c');
        Nd4j.matmul(matrix(x, rows, in), matrix(weight, out, in), product, false, true, false);
        return floats(product);
    }

    /** An expert's {@code down_proj} output for rows x [n × hidden], in float32 as the model computes it. */
    static float[] expertOutput(ExpertWeights expert, float[] x, int n) {
        INDArray input = matrix(x, n, expert.hidden());
        INDArray gate = input.mmul(matrix(expert.gate(), expert.intermediate(), expert.hidden()).transpose());
        Nd4j.exec(new Swish(gate, gate));
        gate.muli(input.mmul(matrix(expert.up(), expert.intermediate(), expert.hidden()).transpose()));
        return floats(gate.mmul(matrix(expert.down(), expert.hidden(), expert.intermediate()).transpose()));
    }

    private static INDArray matrix(float[] rowMajor, int rows, int cols) {
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        matrix.data().asNioFloat().put(rowMajor, 0, rows * cols);
        return matrix;
    }

    private static float[] floats(INDArray array) {
        INDArray dense = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        float[] out = new float[Math.toIntExact(dense.length())];
        dense.data().asNioFloat().get(out);
        return out;
    }
}
