package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import java.util.List;

/**
 * {@code bias:+D@L/E[+L/E...]}: adds D to the named experts' router logits before the softmax,
 * reinforcing (D &gt; 0) or suppressing them, as RICE does (Wang et al. 2025, "Two Experts Are All
 * You Need for Steering Thinking: Reinforcing Cognitive Effort in MoE Reasoning Models Without
 * Additional Training"). {@code *} as the layer means every MoE layer.
 */
public final class RouterBias implements LogitTransform {
    static final PolicyKind KIND = new PolicyKind.Stage("bias", "bias:±D@L/E[+L/E...]", RouterBias::parse);
    private static final long serialVersionUID = 1L;
    private final double delta;
    private final List<ExpertTarget> targets;

    /** @param targets sorted without duplicates, not empty */
    public RouterBias(double delta, List<ExpertTarget> targets) {
        if (!Double.isFinite(delta) || targets.isEmpty()) {
            throw new IllegalArgumentException("a bias needs a finite delta and at least one expert");
        }
        this.delta = delta;
        this.targets = List.copyOf(targets);
    }

    /** The body {@code ±D@L/E[+L/E...]}; errors quote {@code spec}. */
    static RouterBias parse(String spec, String body) {
        int at = body.indexOf('@');
        if (at < 0) {
            throw SpecSyntax.malformed(spec, "a bias is written bias:+D@L/E[+L/E...]");
        }
        return new RouterBias(
                SpecSyntax.decimal(spec, "bias", body.substring(0, at)),
                ExpertTarget.parseList(spec, body.substring(at + 1)));
    }

    @Override
    public void apply(int layer, float[] logits, int tokens, int numExperts) {
        float shift = (float) delta;
        for (ExpertTarget target : targets) {
            if (target.appliesTo(layer)) {
                for (int t = 0; t < tokens; t++) {
                    logits[t * numExperts + target.expert()] += shift;
                }
            }
        }
    }

    @Override
    public void validateFor(MoeConfig config) {
        targets.forEach(t -> t.validateFor(config, spec()));
    }

    @Override
    public String spec() {
        String magnitude = SpecSyntax.canonical(delta);
        return "bias:" + (magnitude.startsWith("-") ? magnitude : "+" + magnitude) + "@" + ExpertTarget.join(targets);
    }
}
