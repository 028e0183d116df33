package io.moelab.routing.policy;

import io.moelab.routing.ExpertSelection;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the policy specs that evaluation tables record (METHODS.md §3) into {@link EvalPolicy}s,
 * and writes each back canonically: numbers in their shortest form, parameters and expert lists
 * in a fixed order, a trailing {@code |native} dropped, SCMoE's defaults spelled out. So one
 * policy always has one spec string, and {@code parse(parse(s).spec())} is the same policy.
 *
 * <pre>
 * native                          the family's rule
 * topk:k=K                        {@link TopKRouting}
 * topp:p=P[,max=M]                {@link TopPRouting}
 * temperature:t=T                 {@link RouterTemperature}, then the native rule
 * random:k=K,seed=S               {@link RandomRouting}
 * rank:r=R                        {@link RankRouting}
 * mask:off=L/E+...[,on=L/E+...]   {@link ExpertMask} (L may be *), then the native rule
 * bias:+D@L/E[+L/E...]            {@link RouterBias}, then the native rule
 * skip:betas=FILE                 {@link DynamicSkipRouting}
 * STAGE|...|SELECTOR              {@link ComposedRouting}: mask/bias/temperature stages, then one selector
 * scmoe:strong=SPEC,weak=SPEC,alpha=A,beta=B   {@link EvalPolicy.Contrastive}, see {@link ContrastiveDecoding}
 * </pre>
 *
 * A file path in {@code skip:betas=} must not contain {@code ,} or {@code |}.
 */
public final class PolicySpecs {
    private static final String SCMOE = "scmoe";
    private static final String DEFAULT_STRONG = "topk:k=2";
    private static final String DEFAULT_WEAK = "rank:r=3";
    private static final double DEFAULT_ALPHA = 0.1;
    private static final double DEFAULT_BETA = 0.5;
    private static final List<String> SCMOE_KEYS = List.of("strong", "weak", "alpha", "beta");

    private PolicySpecs() {
    }

    /** @throws io.moelab.MoelabInputException quoting the spec, saying what is wrong and listing the valid forms */
    public static EvalPolicy parse(String spec) {
        String text = spec == null ? "" : spec.strip();
        if (text.isEmpty()) {
            throw SpecSyntax.malformed(text, "empty policy spec");
        }
        if (name(text).equals(SCMOE)) {
            return contrastive(text);
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
                throw SpecSyntax.malformed(commaSeparated, "the list starts with '" + item + "', a parameter of no policy");
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
            String body = stage.length() > name.length() ? stage.substring(name.length() + 1) : "";
            if (name.equals(SCMOE)) {
                throw SpecSyntax.malformed(spec, "scmoe is a decoding policy and cannot be a stage of a | composition;"
                        + " compose inside its strong= or weak=");
            }
            LogitTransform transform = transform(spec, name, body);
            if (transform != null) {
                if (selection != null) {
                    throw SpecSyntax.malformed(spec, "stage '" + stage + "' comes after the selecting policy '"
                            + selection.spec() + "'; mask, bias and temperature stages go first");
                }
                stages.add(transform);
                continue;
            }
            ExpertSelection next = selection(spec, name, body);
            if (selection != null) {
                throw SpecSyntax.malformed(spec, "two selecting policies ('" + selection.spec() + "' and '" + stage
                        + "'); a composition ends in at most one");
            }
            selection = next;
        }
        if (stages.isEmpty()) {
            return selection;
        }
        return new ComposedRouting(stages, selection == null ? NativeRouting.INSTANCE : selection);
    }

    /** The logit stage {@code name} names, or null when it names none. */
    private static LogitTransform transform(String spec, String name, String body) {
        switch (name) {
            case "temperature" -> {
                double t = SpecSyntax.decimal(spec, "t", SpecSyntax.parameters(spec, body, List.of("t"), List.of()).get("t"));
                if (t <= 0) {
                    throw SpecSyntax.malformed(spec, "temperature t must be positive, found " + SpecSyntax.canonical(t));
                }
                return new RouterTemperature(t);
            }
            case "mask" -> {
                Map<String, String> params = SpecSyntax.parameters(spec, body, List.of(), List.of("off", "on"));
                if (params.isEmpty()) {
                    throw SpecSyntax.malformed(spec, "a mask needs off= or on= (or both)");
                }
                return new ExpertMask(
                        params.containsKey("off") ? ExpertTarget.parseList(spec, params.get("off")) : List.of(),
                        params.containsKey("on") ? ExpertTarget.parseList(spec, params.get("on")) : List.of());
            }
            case "bias" -> {
                int at = body.indexOf('@');
                if (at < 0) {
                    throw SpecSyntax.malformed(spec, "a bias is written bias:+D@L/E[+L/E...]");
                }
                return new RouterBias(SpecSyntax.decimal(spec, "bias", body.substring(0, at)),
                        ExpertTarget.parseList(spec, body.substring(at + 1)));
            }
            default -> {
                return null;
            }
        }
    }

    private static ExpertSelection selection(String spec, String name, String body) {
        switch (name) {
            case "native" -> {
                if (!body.isEmpty()) {
                    throw SpecSyntax.malformed(spec, "native takes no parameters");
                }
                return NativeRouting.INSTANCE;
            }
            case "topk" -> {
                return new TopKRouting(SpecSyntax.integer(spec, "k", single(spec, body, "k"), 1));
            }
            case "topp" -> {
                Map<String, String> params = SpecSyntax.parameters(spec, body, List.of("p"), List.of("max"));
                double p = SpecSyntax.decimal(spec, "p", params.get("p"));
                if (p < 0 || p > 1) {
                    throw SpecSyntax.malformed(spec, "p must be in [0, 1], found " + SpecSyntax.canonical(p));
                }
                int max = params.containsKey("max") ? SpecSyntax.integer(spec, "max", params.get("max"), 1) : TopPRouting.UNCAPPED;
                return new TopPRouting(p, max);
            }
            case "random" -> {
                Map<String, String> params = SpecSyntax.parameters(spec, body, List.of("k", "seed"), List.of());
                return new RandomRouting(SpecSyntax.integer(spec, "k", params.get("k"), 1),
                        SpecSyntax.longInteger(spec, "seed", params.get("seed")));
            }
            case "rank" -> {
                return new RankRouting(SpecSyntax.integer(spec, "r", single(spec, body, "r"), 1));
            }
            case "skip" -> {
                String file = single(spec, body, "betas");
                if (file.isEmpty()) {
                    throw SpecSyntax.malformed(spec, "betas= needs a file");
                }
                return DynamicSkipRouting.load(spec, file);
            }
            default -> throw SpecSyntax.malformed(spec, "unknown policy '" + name + "'");
        }
    }

    private static String single(String spec, String body, String key) {
        return SpecSyntax.parameters(spec, body, List.of(key), List.of()).get(key);
    }

    /**
     * {@code scmoe:strong=SPEC,weak=SPEC,alpha=A,beta=B}, each optional; a piece that is not one of
     * these keys continues the nested spec before it ({@code strong=topp:p=0.4,max=4,weak=...}).
     */
    private static EvalPolicy contrastive(String spec) {
        String body = spec.length() > SCMOE.length() ? spec.substring(SCMOE.length() + 1) : "";
        Map<String, String> values = new LinkedHashMap<>();
        String current = null;
        if (!body.isEmpty()) {
            for (String piece : body.split(",", -1)) {
                int eq = piece.indexOf('=');
                String key = eq > 0 ? piece.substring(0, eq) : null;
                if (key != null && SCMOE_KEYS.contains(key)) {
                    if (values.put(key, piece.substring(eq + 1)) != null) {
                        throw SpecSyntax.malformed(spec, "scmoe parameter '" + key + "' given twice");
                    }
                    current = key;
                } else if ("strong".equals(current) || "weak".equals(current)) {
                    values.put(current, values.get(current) + "," + piece);
                } else {
                    throw SpecSyntax.malformed(spec, "'" + piece + "' is not one of scmoe's strong=, weak=, alpha=, beta=");
                }
            }
        }
        RoutingPolicy strong = routing(values.getOrDefault("strong", DEFAULT_STRONG));
        RoutingPolicy weak = routing(values.getOrDefault("weak", DEFAULT_WEAK));
        double alpha = values.containsKey("alpha") ? SpecSyntax.decimal(spec, "alpha", values.get("alpha")) : DEFAULT_ALPHA;
        double beta = values.containsKey("beta") ? SpecSyntax.decimal(spec, "beta", values.get("beta")) : DEFAULT_BETA;
        if (alpha < 0 || alpha > 1) {
            throw SpecSyntax.malformed(spec, "alpha must be in [0, 1], found " + SpecSyntax.canonical(alpha));
        }
        if (beta < 0) {
            throw SpecSyntax.malformed(spec, "beta must be at least 0, found " + SpecSyntax.canonical(beta));
        }
        String canonical = SCMOE + ":strong=" + strong.spec() + ",weak=" + weak.spec()
                + ",alpha=" + SpecSyntax.canonical(alpha) + ",beta=" + SpecSyntax.canonical(beta);
        return new EvalPolicy.Contrastive(canonical, strong, weak, alpha, beta);
    }

    /** The policy name: the text before the first ':' (all of it when there is none). */
    private static String name(String stage) {
        int colon = stage.indexOf(':');
        return colon < 0 ? stage : stage.substring(0, colon);
    }
}
