package io.moelab.routing.policy;

import io.moelab.routing.NativeRouting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The routing policy kinds that specs may name, by name, in the order error messages list them:
 * the built-in kinds, then any registered later. A new policy is one class holding its
 * {@link PolicyKind} and one line in {@link #BUILT_IN}. {@code scmoe} is not a kind but a
 * decoding policy ({@link EvalPolicy.Contrastive}); its name is reserved.
 */
public final class PolicyRegistry {
    private static final List<PolicyKind> BUILT_IN = List.of(
            new PolicyKind.Selector("native", "native", PolicyRegistry::nativeRouting),
            TopKRouting.KIND,
            TopPRouting.KIND,
            RouterTemperature.KIND,
            RandomRouting.KIND,
            RankRouting.KIND,
            ExpertMask.KIND,
            RouterBias.KIND,
            DynamicSkipRouting.KIND);
    private static final Map<String, PolicyKind> KINDS = new LinkedHashMap<>();

    static {
        BUILT_IN.forEach(PolicyRegistry::register);
    }

    private PolicyRegistry() {}

    /**
     * Makes {@code kind} nameable in specs from now on, in this JVM. Registering the same kind again
     * does nothing. The policies it parses must keep {@link io.moelab.routing.RoutingPolicy}'s
     * contract (serializable, stateless) and write back the spec they were parsed from, canonically.
     *
     * @throws IllegalArgumentException when another kind has the name, or the name is {@code scmoe}
     */
    public static synchronized void register(PolicyKind kind) {
        if (kind.name().equals(EvalPolicy.Contrastive.NAME)) {
            throw new IllegalArgumentException("'" + kind.name() + "' is the decoding policy's name");
        }
        PolicyKind existing = KINDS.putIfAbsent(kind.name(), kind);
        if (existing != null && !existing.equals(kind)) {
            throw new IllegalArgumentException("a policy named '" + kind.name() + "' is already registered");
        }
    }

    /** The kind named {@code name}, if one is registered. */
    public static synchronized Optional<PolicyKind> find(String name) {
        return Optional.ofNullable(KINDS.get(name));
    }

    /** Every registered kind, built-in ones first, then in the order they were registered. */
    public static synchronized List<PolicyKind> kinds() {
        return List.copyOf(KINDS.values());
    }

    private static NativeRouting nativeRouting(String spec, String body) {
        if (!body.isEmpty()) {
            throw SpecSyntax.malformed(spec, "native takes no parameters");
        }
        return NativeRouting.INSTANCE;
    }
}
