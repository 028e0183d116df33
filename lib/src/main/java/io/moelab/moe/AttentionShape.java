package io.moelab.moe;

/**
 * The attention block of every decoder layer: head layout, positions and each family's
 * projection quirks.
 *
 * @param numHeads      query heads
 * @param numKvHeads    key/value heads (grouped-query attention when fewer than numHeads)
 * @param headDim       width of one head
 * @param ropeTheta     RoPE base
 * @param maxPositions  {@code max_position_embeddings}
 * @param slidingWindow attention window in tokens, 0 for none
 * @param attentionBias q/k/v projections carry biases
 * @param outputBias    o_proj carries a bias (Llama-style {@code attention_bias}; never in Qwen2-MoE)
 * @param qkNorm        where q and k are RMS-normalised before RoPE
 * @param clipQkv       OLMoE's clamp of q, k, v to ±clip; 0 for none
 */
public record AttentionShape(
        int numHeads,
        int numKvHeads,
        int headDim,
        double ropeTheta,
        int maxPositions,
        int slidingWindow,
        boolean attentionBias,
        boolean outputBias,
        QkNorm qkNorm,
        double clipQkv) {

    /** Parameters of one layer's attention block. */
    long parameters(int hiddenSize) {
        long params = (long) hiddenSize * headDim * (2L * numHeads + 2L * numKvHeads);
        if (attentionBias) {
            params += (long) headDim * (numHeads + 2L * numKvHeads);
        }
        if (outputBias) {
            params += hiddenSize;
        }
        return params
                + switch (qkNorm) {
                    case WHOLE_PROJECTION -> (long) headDim * (numHeads + numKvHeads);
                    case PER_HEAD -> 2L * headDim;
                    case NONE -> 0;
                };
    }
}
