package io.moelab.eval;

import java.io.Serializable;

/**
 * What an engine has forwarded so far. Every field is an exact count, so counters from several
 * partitions add up to the counters of one run over all of them.
 *
 * @param tokensForwarded token positions run through the model
 * @param forwardNanos    wall time inside the model's forward calls
 * @param routingSlots    expert slots the routing policy filled, summed over MoE layers and tokens
 * @param tokenLayers     tokens × MoE layers those slots were filled for
 */
public record EngineCounters(long tokensForwarded, long forwardNanos, long routingSlots, long tokenLayers)
        implements Serializable {

    public static final EngineCounters ZERO = new EngineCounters(0, 0, 0, 0);

    public EngineCounters plus(EngineCounters other) {
        return new EngineCounters(
                tokensForwarded + other.tokensForwarded,
                forwardNanos + other.forwardNanos,
                routingSlots + other.routingSlots,
                tokenLayers + other.tokenLayers);
    }

    public double forwardSeconds() {
        return forwardNanos / 1e9;
    }

    /** Mean routed experts per token per MoE layer; NaN before anything was forwarded. */
    public double meanExpertsPerToken() {
        return tokenLayers == 0 ? Double.NaN : (double) routingSlots / tokenLayers;
    }

    /** Tokens forwarded per second of forward time; NaN before anything was forwarded. */
    public double tokensPerSecond() {
        return forwardNanos == 0 ? Double.NaN : tokensForwarded / forwardSeconds();
    }
}
