package io.moelab.moe;

/**
 * The family's own routing rule as configured: softmax over the router logits, the top k
 * experts, gates renormalised or not.
 *
 * @param topK         experts per token ({@code num_experts_per_tok})
 * @param normTopkProb renormalise the top-k gates to sum 1 (Mixtral always; others per config)
 */
public record RoutingRule(int topK, boolean normTopkProb) {}
