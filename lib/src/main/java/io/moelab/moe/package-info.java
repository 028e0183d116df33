/**
 * The base floor: what both routing and the model read and neither runs. A Hugging Face MoE
 * architecture as {@link io.moelab.moe.MoeConfig} (split by concern into
 * {@link io.moelab.moe.AttentionShape}, {@link io.moelab.moe.ExpertShape},
 * {@link io.moelab.moe.RoutingRule} and {@link io.moelab.moe.LayerPlan}), the family's tensor
 * names ({@link io.moelab.moe.ModelFamily}), the exact-router expert map and packed token
 * batches. Nothing here imports another moelab package but {@code io.moelab} itself.
 */
package io.moelab.moe;
