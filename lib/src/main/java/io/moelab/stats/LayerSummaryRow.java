package io.moelab.stats;

/**
 * Row of table {@code routing_layer_stats}.
 *
 * @param layer               decoder layer index
 * @param tokens              tokens routed by the layer
 * @param meanEntropy         mean router entropy H(p) per token, in nats
 * @param loadCv              coefficient of variation of the experts' frequencies: population std / mean
 * @param maxOverMean         largest frequency / mean frequency
 * @param deadExperts         experts whose frequency is below the report's dead threshold
 * @param meanExpertsPerToken Σ selections / tokens
 */
public record LayerSummaryRow(
        int layer,
        long tokens,
        double meanEntropy,
        double loadCv,
        double maxOverMean,
        int deadExperts,
        double meanExpertsPerToken) {}
