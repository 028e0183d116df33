package io.moelab.compress;

import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;

/**
 * What every method is told besides the layer: the model's config (its routing rule) and how many
 * experts each MoE layer must end with.
 */
public record CompressionContext(MoeConfig config, int targetExperts) {

    /** Refuses a target that does not drop any of {@code numExperts} experts, or leaves fewer than top-k. */
    public void requireFewerThan(int numExperts) {
        if (targetExperts >= numExperts || targetExperts < config.routing().topK()) {
            throw new MoelabInputException("--target-experts " + targetExperts + " must be fewer than the model's "
                    + numExperts + " experts and at least num_experts_per_tok "
                    + config.routing().topK());
        }
    }
}
