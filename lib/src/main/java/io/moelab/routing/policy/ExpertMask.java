package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import java.util.List;
import java.util.Map;

/**
 * {@code mask:off=L/E+...[,on=L/E+...]}: switches experts off or forces them on, as in MoTE
 * (docs/METHODS.md §3). A switched-off expert's logit becomes −∞ before the softmax, so the softmax
 * spreads its probability over the others and the selection never picks it. A forced expert
 * replaces the least probable chosen one (see {@link ComposedRouting}). {@code *} as the layer
 * means every MoE layer.
 */
public final class ExpertMask implements LogitTransform {
    static final PolicyKind KIND =
            new PolicyKind.Stage("mask", "mask:off=L/E+L/E...[,on=L/E+...] (L may be *)", ExpertMask::parse);
    private static final long serialVersionUID = 1L;
    private final List<ExpertTarget> off;
    private final List<ExpertTarget> on;

    /** Both lists sorted without duplicates (as {@link ExpertTarget} parses them); not both empty; disjoint. */
    public ExpertMask(List<ExpertTarget> off, List<ExpertTarget> on) {
        this.off = List.copyOf(off);
        this.on = List.copyOf(on);
        if (off.isEmpty() && on.isEmpty()) {
            throw new IllegalArgumentException("a mask needs at least one expert switched off or on");
        }
    }

    /** The body {@code off=L/E+...[,on=L/E+...]}, at least one of the two; errors quote {@code spec}. */
    static ExpertMask parse(String spec, String body) {
        Map<String, String> params = SpecSyntax.parameters(spec, body, List.of(), List.of("off", "on"));
        if (params.isEmpty()) {
            throw SpecSyntax.malformed(spec, "a mask needs off= or on= (or both)");
        }
        return new ExpertMask(
                params.containsKey("off") ? ExpertTarget.parseList(spec, params.get("off")) : List.of(),
                params.containsKey("on") ? ExpertTarget.parseList(spec, params.get("on")) : List.of());
    }

    @Override
    public List<ExpertTarget> switchedOff() {
        return off;
    }

    @Override
    public List<ExpertTarget> forcedOn() {
        return on;
    }

    @Override
    public void apply(int layer, float[] logits, int tokens, int numExperts) {
        for (ExpertTarget target : off) {
            if (target.appliesTo(layer)) {
                for (int t = 0; t < tokens; t++) {
                    logits[t * numExperts + target.expert()] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    @Override
    public void validateFor(MoeConfig config) {
        off.forEach(t -> t.validateFor(config, spec()));
        on.forEach(t -> t.validateFor(config, spec()));
    }

    @Override
    public String spec() {
        String offPart = off.isEmpty() ? "" : "off=" + ExpertTarget.join(off);
        String onPart = on.isEmpty() ? "" : "on=" + ExpertTarget.join(on);
        return "mask:" + offPart + (offPart.isEmpty() || onPart.isEmpty() ? "" : ",") + onPart;
    }
}
