package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;

/**
 * An estimate, from the tensor shapes {@link MoeModel}'s forward pass allocates, of the float32 activations one
 * forward over {@code tokens} tokens holds at its peak, the tokens being in sequences of {@code sequenceLength}.
 * Every figure is in bytes and grows linearly with the tokens.
 *
 * <p>Held for the whole forward: the residual stream (the hidden states carried from layer to layer), the KV cache
 * of every layer and the logits of every token. Held only while one decoder layer runs (the forward frees a layer's
 * temporaries when it ends, so the peak holds one layer's): its attention and its feed-forward block, MoE or dense.
 * Each tensor is counted once; not counted are the copies the forward makes between Java arrays and ND4J, the ND4J
 * workspace's over-allocation, layer outputs kept for {@code forward --output} or observers, and the JVM's own
 * memory.
 *
 * @param tokens          tokens in the forward
 * @param sequenceLength  tokens per sequence: each token's query row holds scores for up to this many keys
 * @param residualStream  the hidden states between layers: tokens × hidden
 * @param kvCache         keys and values of every layer: layers × tokens × 2 × KV heads × head_dim
 * @param attention       one layer's attention: normed input, q, k, v, keys and values repeated per query head,
 *                        scores, context and o-projection output
 * @param attentionScores the part of {@code attention} that is scores: tokens × heads × sequenceLength
 * @param moeBlock        one MoE layer's block: normed input, router logits; for each of the tokens × top-k routed
 *                        pairs the gathered input, gate, up and down outputs; the shared expert (input width through
 *                        gate, up and down, and its gate logit); the combined output. 0 when no layer is MoE
 * @param denseMlp        one dense layer's MLP: normed input, gate, up and down outputs. 0 when no layer is dense
 * @param logits          LM-head rows for every token: tokens × vocabulary
 * @param total           residual stream + KV cache + logits + attention + the larger of moeBlock and denseMlp
 */
public record ActivationMemory(
        long tokens,
        int sequenceLength,
        long residualStream,
        long kvCache,
        long attention,
        long attentionScores,
        long moeBlock,
        long denseMlp,
        long logits,
        long total) {

    private static final long FLOAT_BYTES = Float.BYTES;

    /**
     * The estimate for {@code tokens} tokens in sequences of {@code sequenceLength}.
     *
     * @throws MoelabInputException when either is below 1
     */
    public static ActivationMemory of(MoeConfig config, long tokens, int sequenceLength) {
        if (tokens < 1 || sequenceLength < 1) {
            throw new MoelabInputException("activation estimate: tokens and sequence length must be at least 1, got "
                    + tokens + " and " + sequenceLength);
        }
        long hidden = config.hiddenSize();
        long heads = config.attention().numHeads();
        long kvWidth =
                (long) config.attention().numKvHeads() * config.attention().headDim();
        long qWidth = heads * config.attention().headDim();
        int layers = config.layers().numLayers();

        long residualStream = tokens * hidden;
        long kvCache = layers * tokens * 2 * kvWidth;
        long logits = tokens * config.vocabSize();
        long scores = tokens * heads * sequenceLength;
        // normed input, q, k, v, keys and values per query head, scores, context, o-projection output
        long attention = tokens * (hidden + qWidth + 2 * kvWidth + 2 * qWidth + qWidth + hidden) + scores;

        boolean anyMoe = config.layers().moeLayerIndices().length > 0;
        boolean anyDense = config.layers().moeLayerIndices().length < layers;
        long moeBlock = 0;
        if (anyMoe) {
            long routedPairs = tokens * config.routing().topK();
            long expertWidth = config.experts().expertIntermediate();
            long sharedWidth = config.experts().sharedIntermediate();
            moeBlock = tokens * hidden // normed input
                    + tokens * config.experts().numExperts() // router logits
                    + routedPairs * (hidden + 2 * expertWidth + hidden) // gathered input, gate, up, down
                    + (sharedWidth == 0 ? 0 : tokens * (2 * sharedWidth + hidden)) // shared gate, up, down
                    + (config.experts().sharedExpertGated() ? tokens : 0) // shared expert's gate logit
                    + tokens * hidden; // combined output
        }
        long denseMlp = anyDense ? tokens * (hidden + 2L * config.layers().denseIntermediate() + hidden) : 0;

        long total = residualStream + kvCache + logits + attention + Math.max(moeBlock, denseMlp);
        return new ActivationMemory(
                tokens,
                sequenceLength,
                residualStream * FLOAT_BYTES,
                kvCache * FLOAT_BYTES,
                attention * FLOAT_BYTES,
                scores * FLOAT_BYTES,
                moeBlock * FLOAT_BYTES,
                denseMlp * FLOAT_BYTES,
                logits * FLOAT_BYTES,
                total * FLOAT_BYTES);
    }
}
