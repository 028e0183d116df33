package io.moelab.model;

import java.util.Arrays;

/** A float32 tensor in memory: row-major values and the shape Hugging Face gives it. */
public record FloatTensor(long[] shape, float[] values) {
    public FloatTensor {
        long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (count != values.length) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " needs " + count + " values, got " + values.length);
        }
    }

    public static FloatTensor matrix(int rows, int cols, float[] values) {
        return new FloatTensor(new long[] {rows, cols}, values);
    }
}
