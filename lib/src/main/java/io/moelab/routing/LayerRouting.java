package io.moelab.routing;

import io.moelab.moe.TokenBatch;
import java.util.List;

/**
 * What one MoE layer did with one batch.
 *
 * @param layer         decoder layer index
 * @param moeLayer      index among the MoE layers only (0 = first MoE layer)
 * @param batch         the packed tokens; token {@code t} of the decision is {@code batch.token(t)}
 * @param positions     each token's position in its sequence (KV-cache aware)
 * @param input         the MoE block's input rows [tokens × hidden] (after the post-attention norm)
 * @param routerLogits  row-major [tokens × experts], before softmax
 * @param experts       per expert with at least one token; empty unless an observer asked for outputs or activations
 */
public record LayerRouting(
        int layer,
        int moeLayer,
        TokenBatch batch,
        int[] positions,
        float[] input,
        float[] routerLogits,
        RoutingDecision decision,
        List<ExpertBatch> experts) {}
