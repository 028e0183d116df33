package io.moelab.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Swish;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bridge between row-major float[] activations and ND4J. Matrix products go to ND4J's BLAS
 * (c-order operands with a transposed weight run at full sgemm speed, measured in bench/);
 * cheap element-wise work (norms, RoPE, gathers) stays in Java loops over the packed rows.
 */
public final class MatrixOps {
    private MatrixOps() {}

    /**
     * Copies row-major floats into a new c-order matrix with one bulk copy. (Nd4j.create(float[])
     * zero-fills the buffer first and then copies element by element: ~20% of a forward pass.)
     */
    public static INDArray matrix(float[] rowMajor, int rows, int cols) {
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, new long[] {rows, cols}, 'c');
        matrix.data().asNioFloat().put(rowMajor, 0, rows * cols);
        return matrix;
    }

    /** {@code x · Wᵀ} for x [rows × in] and a weight stored as Hugging Face does, [out × in]. */
    public static INDArray timesTransposed(INDArray x, INDArray weight) {
        // Uninitialised is safe: the product overwrites every element (beta = 0).
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {x.size(0), weight.size(0)}, 'c');
        timesTransposedInto(x, weight, y);
        return y;
    }

    /** {@code x · Wᵀ} written into {@code out} [rows × out], which may be a row range of a larger c-order matrix. */
    static void timesTransposedInto(INDArray x, INDArray weight, INDArray out) {
        Nd4j.matmul(x, WideningBuffer.asFloat(weight), out, false, true, false);
    }

    public static float[] linear(float[] x, int rows, INDArray weight) {
        return toFloats(timesTransposed(matrix(x, rows, (int) weight.size(1)), weight));
    }

    /** SwiGLU hidden activation {@code silu(x·W1ᵀ) ⊙ (x·W3ᵀ)}. */
    public static INDArray swigluActivation(INDArray x, INDArray gateWeight, INDArray upWeight) {
        INDArray gate = timesTransposed(x, gateWeight);
        Nd4j.exec(new Swish(gate, gate));
        return gate.muli(timesTransposed(x, upWeight));
    }

    public static float[] toFloats(INDArray array) {
        if (array.dataType() != DataType.FLOAT) {
            array = array.castTo(DataType.FLOAT);
        }
        INDArray dense = array.ordering() == 'c' && !array.isView() ? array : array.dup('c');
        float[] out = new float[Math.toIntExact(dense.length())];
        dense.data().asNioFloat().get(out);
        return out;
    }

    /** HF RMSNorm over each row of width {@code width}: {@code w ⊙ x / sqrt(mean(x²) + eps)} in float32. */
    static void rmsNormInPlace(float[] x, int rows, int width, float[] weight, float eps) {
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            // Summed in double: closer to the exact mean than any float32 order, so within torch's own rounding.
            double sumSquares = 0;
            for (int i = 0; i < width; i++) {
                float square = x[base + i] * x[base + i];
                sumSquares += square;
            }
            float variance = (float) (sumSquares / width);
            float inverse = 1.0f / (float) Math.sqrt(variance + eps);
            for (int i = 0; i < width; i++) {
                x[base + i] = weight[i] * (x[base + i] * inverse);
            }
        }
    }

    static float[] rmsNorm(float[] x, int rows, int width, float[] weight, float eps) {
        float[] out = x.clone();
        rmsNormInPlace(out, rows, width, weight, eps);
        return out;
    }

    static void addInPlace(float[] target, float[] addend) {
        for (int i = 0; i < target.length; i++) {
            target[i] += addend[i];
        }
    }

    static void addRowBias(float[] x, int rows, float[] bias) {
        int width = bias.length;
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < width; i++) {
                x[r * width + i] += bias[i];
            }
        }
    }
}
