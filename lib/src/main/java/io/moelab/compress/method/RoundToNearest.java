package io.moelab.compress.method;

import io.moelab.compress.ExpertWeights;

/**
 * Round-to-nearest fake quantisation per output channel (one row of a Hugging Face [out × in]
 * weight) on an asymmetric min-max grid, as GPTQ's {@code Quantizer} computes it and MC-MoE
 * reuses it: the row's range is widened to contain 0 (a row of zeros gets [−1, 1]), {@code scale =
 * (max − min) / (2^b − 1)}, integer zero point {@code z = round(−min / scale)}, {@code q =
 * clamp(round(x / scale) + z, 0, 2^b − 1)}, value {@code scale · (q − z)}. Rounding is half to even,
 * as torch.round; the arithmetic runs in double and the value is stored as float. Every entry lands
 * within half a step ({@code scale / 2}) of its original.
 */
final class RoundToNearest {
    private RoundToNearest() {}

    /** The expert with W1, W3 and W2 each fake-quantised to {@code bits} per output channel. */
    static ExpertWeights expert(ExpertWeights expert, int bits) {
        int hidden = expert.hidden();
        int intermediate = expert.intermediate();
        return new ExpertWeights(
                hidden,
                intermediate,
                rows(expert.gate(), intermediate, hidden, bits),
                rows(expert.up(), intermediate, hidden, bits),
                rows(expert.down(), hidden, intermediate, bits));
    }

    /** A row-major [rows × cols] matrix with each row fake-quantised to {@code bits}. */
    static float[] rows(float[] matrix, int rows, int cols, int bits) {
        double levels = (1 << bits) - 1;
        float[] out = new float[matrix.length];
        for (int r = 0; r < rows; r++) {
            int base = r * cols;
            double min = 0;
            double max = 0;
            for (int c = 0; c < cols; c++) {
                min = Math.min(min, matrix[base + c]);
                max = Math.max(max, matrix[base + c]);
            }
            if (min == 0 && max == 0) {
                min = -1;
                max = 1;
            }
            double scale = (max - min) / levels;
            double zero = Math.rint(-min / scale);
            for (int c = 0; c < cols; c++) {
                double q = Math.min(levels, Math.max(0, Math.rint(matrix[base + c] / scale) + zero));
                out[base + c] = (float) (scale * (q - zero));
            }
        }
        return out;
    }
}
