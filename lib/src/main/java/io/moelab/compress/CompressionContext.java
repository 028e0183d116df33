package io.moelab.compress;

import io.moelab.model.MoeConfig;

/**
 * What every method is told besides the layer: the model's config (its routing rule) and how many
 * experts each MoE layer must end with.
 */
public record CompressionContext(MoeConfig config, int targetExperts) {
}
