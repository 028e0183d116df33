package io.moelab.moe;

/**
 * The experts of each MoE block.
 *
 * @param numExperts         routed experts per MoE layer (router outputs)
 * @param expertIntermediate width of one routed expert's SwiGLU
 * @param sharedIntermediate width of the shared expert(s) taken together; 0 when there are none
 * @param sharedExpertGated  Qwen2-MoE scales the shared expert by sigmoid(gate · x); DeepSeek does not
 * @param expertMap          router output → stored expert per MoE layer (the exact-router compressed form); empty otherwise
 */
public record ExpertShape(
        int numExperts,
        int expertIntermediate,
        int sharedIntermediate,
        boolean sharedExpertGated,
        ExpertMap expertMap) {}
