package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.RoutingPolicy;
import java.io.Serializable;

/**
 * What an evaluation runs a model with: one routing policy, or SCMoE's self-contrast of two
 * (a decoding-level policy). {@link #spec()} is the string tables record.
 */
public sealed interface EvalPolicy extends Serializable permits EvalPolicy.Routed, EvalPolicy.Contrastive {

    String spec();

    /**
     * @throws io.moelab.MoelabInputException when the policy names a layer or expert the model
     *         does not have, or a k larger than its expert count
     */
    void validateFor(MoeConfig config);

    /** One routing policy for every forward call. */
    record Routed(String spec, RoutingPolicy policy) implements EvalPolicy {
        @Override
        public void validateFor(MoeConfig config) {
            policy.validateFor(config);
        }
    }

    /**
     * SCMoE: next-token score {@code (1+β)·z_strong − β·z_weak} over the tokens whose strong
     * probability is at least {@code α} times the strong maximum (others −∞); see
     * {@link ContrastiveDecoding}.
     */
    record Contrastive(String spec, RoutingPolicy strong, RoutingPolicy weak, double alpha, double beta)
            implements EvalPolicy {
        @Override
        public void validateFor(MoeConfig config) {
            strong.validateFor(config);
            weak.validateFor(config);
        }
    }
}
