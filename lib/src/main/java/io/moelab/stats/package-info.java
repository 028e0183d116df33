/**
 * Routing statistics of MoE models on calibration data (docs/METHODS.md §1): mergeable, exact
 * accumulators fed by a {@link io.moelab.routing.RoutingObserver}, the rows derived from them
 * (tables {@code routing_stats}, {@code routing_layer_stats}, {@code coactivation},
 * {@code layer_affinity}, {@code expert_labels}, {@code expert_similarity}), and expert-cache
 * replay of sampled routing traces. Each statistic is its own {@link io.moelab.stats.StatAccumulator};
 * {@link io.moelab.stats.RoutingStatistics} composes them over one {@link io.moelab.stats.ExpertGrid}.
 *
 * <p>Every floating sum is kept as a fixed-point {@code long} ({@link io.moelab.stats.FixedPoint}),
 * so an accumulator is bit-identical however the forward calls are partitioned and in whatever
 * order partial accumulators are merged.
 */
package io.moelab.stats;
