package io.moelab.routing;

/** Row-wise softmax in float32, max-subtracted as torch computes it. */
public final class Softmax {
    private Softmax() {}

    public static float[] rows(float[] logits, int rows, int cols) {
        float[] out = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                max = Math.max(max, logits[base + c]);
            }
            float sum = 0;
            for (int c = 0; c < cols; c++) {
                out[base + c] = (float) Math.exp(logits[base + c] - max);
                sum += out[base + c];
            }
            for (int c = 0; c < cols; c++) {
                out[base + c] /= sum;
            }
        }
        return out;
    }
}
