package io.moelab.stats;

/**
 * Row of table {@code expert_labels}: token-expert selections of one expert under one label, with
 * the normalised pointwise mutual information defined in {@link StatisticsReport#expertLabels()}.
 */
public record ExpertLabelRow(int layer, int expert, String label, long tokens, double npmi) {}
