package io.moelab.routing;

import io.moelab.moe.MoeConfig;
import java.io.Serializable;

/**
 * Decides, from a MoE layer's router logits, which experts each token uses and with which gates.
 * The model calls it once per MoE layer and batch, from several threads at once when a forward is
 * split over threads; implementations must be stateless and deterministic for a given input.
 * Policies travel to Spark executors inside an evaluation's configuration, hence {@link Serializable}.
 */
public interface RoutingPolicy extends Serializable {

    /**
     * @param layer        decoder layer index
     * @param routerLogits row-major [tokens × config.experts().numExperts()] logits before softmax; not modified
     * @param context      each token's prefix key and position, for policies that must not depend on the batch
     */
    RoutingDecision route(int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context);

    /** The short spec string this policy is written as in tables, e.g. {@code native}. */
    String spec();

    /**
     * Checks the policy against the model it will route: layers, experts and k it names must exist.
     *
     * @throws io.moelab.MoelabInputException naming the spec and what the model has instead
     */
    default void validateFor(MoeConfig config) {}
}
