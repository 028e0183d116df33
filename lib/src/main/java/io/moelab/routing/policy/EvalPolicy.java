package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.RoutingPolicy;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
     * {@link ContrastiveDecoding}. Written {@code scmoe:strong=SPEC,weak=SPEC,alpha=A,beta=B}.
     */
    record Contrastive(String spec, RoutingPolicy strong, RoutingPolicy weak, double alpha, double beta)
            implements EvalPolicy {
        /** The name a spec starts with; no routing policy kind may take it. */
        static final String NAME = "scmoe";

        static final String FORM = "scmoe:strong=SPEC,weak=SPEC,alpha=A,beta=B";
        private static final String DEFAULT_STRONG = "topk:k=2";
        private static final String DEFAULT_WEAK = "rank:r=3";
        private static final double DEFAULT_ALPHA = 0.1;
        private static final double DEFAULT_BETA = 0.5;
        private static final List<String> KEYS = List.of("strong", "weak", "alpha", "beta");

        /**
         * The body {@code strong=SPEC,weak=SPEC,alpha=A,beta=B}, each optional; a piece that is not
         * one of these keys continues the nested spec before it ({@code strong=topp:p=0.4,max=4,weak=...}).
         * The spec it records spells out every default.
         */
        static Contrastive parse(String spec, String body) {
            Map<String, String> values = new LinkedHashMap<>();
            String current = null;
            if (!body.isEmpty()) {
                for (String piece : body.split(",", -1)) {
                    int eq = piece.indexOf('=');
                    String key = eq > 0 ? piece.substring(0, eq) : null;
                    if (key != null && KEYS.contains(key)) {
                        if (values.put(key, piece.substring(eq + 1)) != null) {
                            throw SpecSyntax.malformed(spec, "scmoe parameter '" + key + "' given twice");
                        }
                        current = key;
                    } else if ("strong".equals(current) || "weak".equals(current)) {
                        values.put(current, values.get(current) + "," + piece);
                    } else {
                        throw SpecSyntax.malformed(
                                spec, "'" + piece + "' is not one of scmoe's strong=, weak=, alpha=, beta=");
                    }
                }
            }
            RoutingPolicy strong = PolicySpecs.routing(values.getOrDefault("strong", DEFAULT_STRONG));
            RoutingPolicy weak = PolicySpecs.routing(values.getOrDefault("weak", DEFAULT_WEAK));
            double alpha = values.containsKey("alpha")
                    ? SpecSyntax.decimal(spec, "alpha", values.get("alpha"))
                    : DEFAULT_ALPHA;
            double beta =
                    values.containsKey("beta") ? SpecSyntax.decimal(spec, "beta", values.get("beta")) : DEFAULT_BETA;
            if (alpha < 0 || alpha > 1) {
                throw SpecSyntax.malformed(spec, "alpha must be in [0, 1], found " + SpecSyntax.canonical(alpha));
            }
            if (beta < 0) {
                throw SpecSyntax.malformed(spec, "beta must be at least 0, found " + SpecSyntax.canonical(beta));
            }
            String canonical = NAME + ":strong=" + strong.spec() + ",weak=" + weak.spec() + ",alpha="
                    + SpecSyntax.canonical(alpha) + ",beta=" + SpecSyntax.canonical(beta);
            return new Contrastive(canonical, strong, weak, alpha, beta);
        }

        @Override
        public void validateFor(MoeConfig config) {
            strong.validateFor(config);
            weak.validateFor(config);
        }
    }
}
