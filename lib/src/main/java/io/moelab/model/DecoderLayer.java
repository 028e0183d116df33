package io.moelab.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One decoder layer's weights. A MoE layer has a router and experts (and maybe a shared expert);
 * a dense layer has {@code denseMlp} instead.
 *
 * @param sharedExpertGate Qwen2-MoE's [1 × hidden] gate on the shared expert; null when unscaled or absent
 */
record DecoderLayer(
        float[] inputNorm,
        float[] postAttentionNorm,
        AttentionWeights attention,
        SwiGlu denseMlp,
        INDArray router,
        SwiGlu[] experts,
        SwiGlu sharedExpert,
        INDArray sharedExpertGate) {

    boolean isMoe() {
        return router != null;
    }
}
