package io.moelab.routing;

/**
 * Watches routing during a forward pass; never changes it. The model builds expert outputs and
 * activations only when some observer asks, so one that asks for nothing costs only the call.
 */
public interface RoutingObserver {

    /** Called once per MoE layer per forward call, in layer order. */
    void onMoeLayer(LayerRouting routing);

    /** Ask for each expert's {@code down_proj} output per token. */
    default boolean wantsExpertOutputs() {
        return false;
    }

    /** Ask for each expert's hidden activation {@code silu(W1 x) ⊙ W3 x} per token. */
    default boolean wantsExpertActivations() {
        return false;
    }
}
