package io.moelab.stats;

import java.io.Serial;
import java.io.Serializable;

/**
 * One sampled token's routing at one MoE layer, as {@link ExpertCacheReplay} replays it. Tokens are
 * sampled by {@link SampleHash} on {@code (seed, docId, position)}, so every MoE layer of a sampled
 * token is kept and the sample does not depend on partitioning.
 *
 * @param docId    the stable sequence id given to the collector
 * @param position the token's position in its sequence
 * @param layer    decoder layer index
 * @param experts  experts used, in the policy's order (descending probability)
 * @param gates    their gates
 */
public record RoutingTrace(long docId, int position, int layer, int[] experts, float[] gates) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;
}
