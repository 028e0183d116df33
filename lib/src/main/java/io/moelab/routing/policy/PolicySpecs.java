package io.moelab.routing.policy;

import io.moelab.routing.ExpertSelection;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the policy specs that evaluation tables record (docs/METHODS.md §3) into {@link EvalPolicy}s.
 * This class holds only the grammar common to every policy: comma-separated lists,
 * {@code STAGE|...|SELECTOR} compositions ({@link ComposedRouting}: logit stages, then at most one
 * selector, {@code native} when none is named), and {@code name:body}, where {@code name} is a kind
 * in {@link PolicyRegistry} whose class parses the body, or {@code scmoe}
 * ({@link EvalPolicy.Contrastive}). Each policy writes itself back canonically: numbers in their
 * shortest form, parameters and expert lists in a fixed order, a trailing {@code |native} dropped,
 * SCMoE's defaults spelled out. So one policy always has one spec string, and
 * {@code parse(parse(s).spec())} is the same policy.
 */
public final class PolicySpecs {
    private PolicySpecs() {}

    /** @throws io.moelab.MoelabInputException quoting the spec, saying what is wrong and listing the valid forms */
    public static EvalPolicy parse(String spec) {
        String text = spec == null ? "" : spec.strip();
        if (text.isEmpty()) {
            throw SpecSyntax.malformed(text, "empty policy spec");
        }
        if (name(text).equals(EvalPolicy.Contrastive.NAME)) {
            return EvalPolicy.Contrastive.parse(text, body(text));
        }
        RoutingPolicy policy = routing(text);
        return new EvalPolicy.Routed(policy.spec(), policy);
    }

    /**
     * Several specs separated by commas, although specs contain commas themselves: a piece whose
     * first {@code :} comes before any {@code =} (or that has neither, like {@code native}) starts
     * a new spec; any other piece continues the previous one. So {@code topp:p=0.4,max=4,native}
     * is two specs and {@code scmoe:strong=topk:k=2,weak=rank:r=2,alpha=0.1} one.
     */
    public static List<EvalPolicy> parseList(String commaSeparated) {
        List<String> specs = new ArrayList<>();
        for (String piece : commaSeparated.split(",", -1)) {
            String item = piece.strip();
            if (item.isEmpty()) {
                throw SpecSyntax.malformed(commaSeparated, "empty entry in the comma-separated policy list");
            }
            int colon = item.indexOf(':');
            int eq = item.indexOf('=');
            boolean startsSpec = eq < 0 || (colon >= 0 && colon < eq);
            if (startsSpec) {
                specs.add(item);
            } else if (specs.isEmpty()) {
                throw SpecSyntax.malformed(
                        commaSeparated, "the list starts with '" + item + "', a parameter of no policy");
            } else {
                specs.set(specs.size() - 1, specs.get(specs.size() - 1) + "," + item);
            }
        }
        return specs.stream().map(PolicySpecs::parse).toList();
    }

    /** A routing policy: one selector, or logit stages then at most one selector. */
    static RoutingPolicy routing(String spec) {
        List<LogitTransform> stages = new ArrayList<>();
        ExpertSelection selection = null;
        for (String stage : spec.split("\\|", -1)) {
            if (stage.isEmpty()) {
                throw SpecSyntax.malformed(spec, "empty stage in a | composition");
            }
            String name = name(stage);
            if (name.equals(EvalPolicy.Contrastive.NAME)) {
                throw SpecSyntax.malformed(
                        spec,
                        "scmoe is a decoding policy and cannot be a stage of a | composition;"
                                + " compose inside its strong= or weak=");
            }
            PolicyKind kind = PolicyRegistry.find(name)
                    .orElseThrow(() ->
                            SpecSyntax.malformed(spec, "unknown policy '" + name + "' (known: " + knownNames() + ")"));
            if (kind instanceof PolicyKind.Stage stageKind) {
                LogitTransform transform = stageKind.parser().parse(spec, body(stage));
                if (selection != null) {
                    throw SpecSyntax.malformed(
                            spec,
                            "stage '" + stage + "' comes after the selecting policy '" + selection.spec()
                                    + "'; stages (" + String.join(", ", stageNames()) + ") go first");
                }
                stages.add(transform);
                continue;
            }
            ExpertSelection next = ((PolicyKind.Selector) kind).parser().parse(spec, body(stage));
            if (selection != null) {
                throw SpecSyntax.malformed(
                        spec,
                        "two selecting policies ('" + selection.spec() + "' and '" + stage
                                + "'); a composition ends in at most one");
            }
            selection = next;
        }
        if (stages.isEmpty()) {
            return selection;
        }
        return new ComposedRouting(stages, selection == null ? NativeRouting.INSTANCE : selection);
    }

    /** Every form a spec may take, for error messages: the registered kinds', compositions, scmoe. */
    static String validForms() {
        List<String> forms = new ArrayList<>();
        PolicyRegistry.kinds().forEach(kind -> forms.add(kind.form()));
        forms.add("STAGE|...|SELECTOR (stages " + String.join(", ", stageNames()) + ", then at most one selector)");
        forms.add(EvalPolicy.Contrastive.FORM);
        return "valid forms: " + String.join("; ", forms);
    }

    private static List<String> stageNames() {
        return PolicyRegistry.kinds().stream()
                .filter(PolicyKind.Stage.class::isInstance)
                .map(PolicyKind::name)
                .toList();
    }

    private static String knownNames() {
        List<String> names = new ArrayList<>();
        PolicyRegistry.kinds().forEach(kind -> names.add(kind.name()));
        names.add(EvalPolicy.Contrastive.NAME);
        return String.join(", ", names);
    }

    /** The policy name: the text before the first ':' (all of it when there is none). */
    private static String name(String stage) {
        int colon = stage.indexOf(':');
        return colon < 0 ? stage : stage.substring(0, colon);
    }

    /** The text after the first ':' (empty when there is none). */
    private static String body(String stage) {
        int colon = stage.indexOf(':');
        return colon < 0 ? "" : stage.substring(colon + 1);
    }
}
