package io.moelab.stats;

/** Row of table {@code expert_similarity}: cosine of two experts' outputs (NaN if unsampled) and of their router rows. */
public record ExpertSimilarityRow(int layer, int expertA, int expertB, double outputCosine, double routerCosine) {}
