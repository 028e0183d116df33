package io.moelab.stats;

/**
 * Row of table {@code layer_affinity}: tokens routed to {@code expert} at decoder layer
 * {@code layer} and to {@code nextExpert} at the next MoE layer.
 */
public record AffinityRow(int layer, int expert, int nextExpert, long tokens) {}
