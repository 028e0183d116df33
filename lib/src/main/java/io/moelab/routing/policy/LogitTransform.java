package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import java.io.Serializable;
import java.util.List;

/**
 * A stage of a composed policy that rewrites router logits before the softmax (mask, bias,
 * temperature); an {@link io.moelab.routing.ExpertSelection} then chooses from the result.
 */
public interface LogitTransform extends Serializable {

    /** Rewrites {@code logits} [tokens × numExperts] of decoder layer {@code layer} in place. */
    void apply(int layer, float[] logits, int tokens, int numExperts);

    /** Experts this stage forces into every token's selection (only masks do). */
    default List<ExpertTarget> forcedOn() {
        return List.of();
    }

    /** Experts this stage switches off (only masks do). */
    default List<ExpertTarget> switchedOff() {
        return List.of();
    }

    /** The stage as a spec writes it, canonically. */
    String spec();

    /** @throws io.moelab.MoelabInputException naming the spec when it names layers or experts the model lacks */
    default void validateFor(MoeConfig config) {}
}
