package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * {@code STAGE|...|SELECTION}: logit stages (masks, biases, temperatures) applied in order to a
 * copy of the router logits, then one selection choosing from them ({@code native} when a spec
 * names none). Experts a mask forces on then replace the least probable chosen non-forced ones,
 * keeping the selection's size, and the final set is gated by the family's rule
 * ({@link FamilyRule}); so forcing needs a selection whose gates follow that rule.
 */
public final class ComposedRouting implements RoutingPolicy {
    private static final long serialVersionUID = 1L;
    private final List<LogitTransform> stages;
    private final ExpertSelection selection;
    private final List<ExpertTarget> forced;
    private final List<ExpertTarget> switchedOff;

    /**
     * @throws io.moelab.MoelabInputException when a stage forces experts on and the selection cannot
     *         take forced experts, or one expert is both switched off and forced on
     */
    public ComposedRouting(List<LogitTransform> stages, ExpertSelection selection) {
        this.stages = List.copyOf(stages);
        this.selection = selection;
        this.forced = targets(stages, LogitTransform::forcedOn);
        this.switchedOff = targets(stages, LogitTransform::switchedOff);
        if (!forced.isEmpty() && !selection.gatesByFamilyRule()) {
            throw SpecSyntax.malformed(
                    spec(),
                    "on= forces experts into a fixed-size selection gated by the family's "
                            + "rule (native, topk, random); " + selection.spec() + " cannot take forced experts");
        }
        for (ExpertTarget on : forced) {
            for (ExpertTarget off : switchedOff) {
                if (on.overlaps(off)) {
                    throw SpecSyntax.malformed(
                            spec(), "expert " + on + " is both switched off (" + off + ") and forced on");
                }
            }
        }
    }

    private static List<ExpertTarget> targets(
            List<LogitTransform> stages, Function<LogitTransform, List<ExpertTarget>> kind) {
        List<ExpertTarget> all = new ArrayList<>();
        stages.forEach(stage -> all.addAll(kind.apply(stage)));
        return all;
    }

    /** The experts of {@code layer} that some target names, ascending. */
    private static int[] experts(List<ExpertTarget> targets, int layer) {
        return targets.stream()
                .filter(t -> t.appliesTo(layer))
                .mapToInt(ExpertTarget::expert)
                .distinct()
                .sorted()
                .toArray();
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        int numExperts = config.experts().numExperts();
        float[] logits = routerLogits.clone();
        for (LogitTransform stage : stages) {
            stage.apply(layer, logits, tokens, numExperts);
        }
        RoutingDecision chosen = selection.route(layer, logits, tokens, config, context);
        int[] forcedExperts = experts(forced, layer);
        return forcedExperts.length == 0
                ? chosen
                : force(chosen, forcedExperts, Softmax.rows(logits, tokens, numExperts), config);
    }

    /** Each token keeps its slot count: the forced experts, then its most probable chosen non-forced ones. */
    private static RoutingDecision force(RoutingDecision chosen, int[] forcedExperts, float[] probs, MoeConfig config) {
        int numExperts = config.experts().numExperts();
        int tokens = chosen.tokens();
        DecisionBuilder decision = new DecisionBuilder(tokens, numExperts, forcedExperts.length);
        for (int t = 0; t < tokens; t++) {
            int count = Math.max(chosen.count(t), forcedExperts.length);
            int[] experts = Arrays.copyOf(forcedExperts, count);
            int filled = forcedExperts.length;
            for (int s = 0; s < chosen.count(t) && filled < count; s++) {
                int e = chosen.expert(t, s);
                if (Arrays.binarySearch(forcedExperts, e) < 0) {
                    experts[filled++] = e;
                }
            }
            TopK.sortDescending(probs, t * numExperts, experts, 0, count);
            float[] gates = new float[count];
            FamilyRule.gate(probs, t * numExperts, experts, 0, count, FamilyRule.renormalises(config, count), gates);
            for (int s = 0; s < count; s++) {
                decision.add(experts[s], gates[s]);
            }
            decision.endToken();
        }
        return decision.build(probs);
    }

    /** Each stage and the selection must fit the model, and the masks must leave the selection enough experts. */
    @Override
    public void validateFor(MoeConfig config) {
        stages.forEach(stage -> stage.validateFor(config));
        selection.validateFor(config);
        int needed = selection.expertsNeeded(config);
        for (int layer : config.layers().moeLayerIndices()) {
            int left = config.experts().numExperts() - experts(switchedOff, layer).length;
            int forcedHere = experts(forced, layer).length;
            if (left < needed) {
                throw SpecSyntax.unfit(
                        spec(),
                        "layer " + layer + " keeps " + left + " of its "
                                + config.experts().numExperts() + " experts switched on, but " + selection.spec()
                                + " needs " + needed);
            }
            if (forcedHere > needed) {
                throw SpecSyntax.unfit(
                        spec(),
                        "layer " + layer + " forces " + forcedHere + " experts on, but " + selection.spec()
                                + " chooses " + needed + " per token");
            }
        }
    }

    /** The stages' specs in order, then the selection's unless it is {@code native} (the default). */
    @Override
    public String spec() {
        List<String> parts = new ArrayList<>();
        stages.forEach(stage -> parts.add(stage.spec()));
        if (parts.isEmpty() || selection != NativeRouting.INSTANCE) {
            parts.add(selection.spec());
        }
        return String.join("|", parts);
    }
}
