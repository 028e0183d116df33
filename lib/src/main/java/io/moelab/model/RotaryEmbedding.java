package io.moelab.model;

/**
 * Rotary position embedding in the "rotate half" layout (Llama/Mixtral/Qwen): dimension i of a
 * head's first half pairs with dimension i + headDim/2. Angles are computed in float32 steps
 * exactly as transformers v4.40 builds its cos/sin cache, so positions agree bit for bit.
 */
final class RotaryEmbedding {
    private final int half;
    private final float[] inverseFrequencies;

    RotaryEmbedding(int headDim, double theta) {
        this.half = headDim / 2;
        this.inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            float base = (float) Math.pow((float) theta, exponent);
            inverseFrequencies[i] = 1.0f / base;
        }
    }

    /** Rotates {@code heads} consecutive heads of one token, starting at {@code offset}, in place. */
    void apply(float[] x, int offset, int heads, int headDim, int position) {
        for (int i = 0; i < half; i++) {
            float angle = (float) position * inverseFrequencies[i];
            float cos = (float) Math.cos(angle);
            float sin = (float) Math.sin(angle);
            for (int h = 0; h < heads; h++) {
                int a = offset + h * headDim + i;
                int b = a + half;
                float x1 = x[a];
                float x2 = x[b];
                x[a] = x1 * cos - x2 * sin;
                x[b] = x2 * cos + x1 * sin;
            }
        }
    }
}
