package io.moelab.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Projections [out × in] as stored by Hugging Face; biases and q/k norm weights are null when the family has none. */
record AttentionWeights(
        INDArray q,
        INDArray k,
        INDArray v,
        INDArray o,
        float[] qBias,
        float[] kBias,
        float[] vBias,
        float[] oBias,
        float[] qNorm,
        float[] kNorm) {}
