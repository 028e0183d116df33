package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A policy that only this test defines becomes nameable in specs by registering it: alone, in a
 * {@code |} composition, inside scmoe and in the lists {@code evaluate --policies} parses.
 */
class PolicyRegistryTest {
    private static final float[] LOGITS = {0.5f, 1.5f, -0.3f, 1.0f, 0.2f, -1.0f};

    /** {@code firstk:k=K}: the K lowest-numbered experts a mask left switched on, each gated 1/K. */
    static final class FirstKRouting implements ExpertSelection {
        static final PolicyKind KIND = new PolicyKind.Selector("firstk", "firstk:k=K", FirstKRouting::parse);
        private static final long serialVersionUID = 1L;
        private final int k;

        FirstKRouting(int k) {
            this.k = k;
        }

        static FirstKRouting parse(String spec, String body) {
            return new FirstKRouting(SpecSyntax.integer(spec, "k", SpecSyntax.single(spec, body, "k"), 1));
        }

        @Override
        public RoutingDecision route(
                int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
            int numExperts = config.experts().numExperts();
            float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
            DecisionBuilder decision = new DecisionBuilder(tokens, numExperts, k);
            int[] chosen = new int[k];
            for (int t = 0; t < tokens; t++) {
                int count = 0;
                for (int e = 0; e < numExperts && count < k; e++) {
                    if (routerLogits[t * numExperts + e] != Float.NEGATIVE_INFINITY) {
                        chosen[count++] = e;
                    }
                }
                TopK.sortDescending(probs, t * numExperts, chosen, 0, count);
                for (int s = 0; s < count; s++) {
                    decision.add(chosen[s], 1f / k);
                }
                decision.endToken();
            }
            return decision.build(probs);
        }

        @Override
        public int expertsNeeded(MoeConfig config) {
            return k;
        }

        @Override
        public boolean gatesByFamilyRule() {
            return false;
        }

        @Override
        public String spec() {
            return "firstk:k=" + k;
        }
    }

    @BeforeAll
    static void registerFirstK() {
        PolicyRegistry.register(FirstKRouting.KIND);
    }

    @Test
    void aRegisteredPolicyParsesAloneComposedAndInsideScmoeAndRoundTrips() {
        List<EvalPolicy> policies =
                PolicySpecs.parseList("native,firstk:k=02,mask:off=0/0|firstk:k=2, scmoe:strong=firstk:k=3,alpha=0.2");
        List<String> specs = policies.stream().map(EvalPolicy::spec).toList();
        assertEquals(
                List.of(
                        "native",
                        "firstk:k=2",
                        "mask:off=0/0|firstk:k=2",
                        "scmoe:strong=firstk:k=3,weak=rank:r=3,alpha=0.2,beta=0.5"),
                specs);
        for (String spec : specs) {
            assertEquals(spec, PolicySpecs.parse(spec).spec());
        }
        RoutingPolicy alone = ((EvalPolicy.Routed) policies.get(1)).policy();
        assertArrayEquals(
                new int[] {1, 0}, TinyModels.experts(TinyModels.routeOne(alone, TinyModels.MIXTRAL, 0, LOGITS), 0));
        RoutingPolicy masked = ((EvalPolicy.Routed) policies.get(2)).policy();
        assertInstanceOf(ComposedRouting.class, masked);
        assertArrayEquals(
                new int[] {1, 2}, TinyModels.experts(TinyModels.routeOne(masked, TinyModels.MIXTRAL, 0, LOGITS), 0));
        assertEquals(
                "firstk:k=3",
                ((EvalPolicy.Contrastive) policies.get(3)).strong().spec());
    }

    @Test
    void aRegisteredPolicySurvivesSerialisation() throws Exception {
        EvalPolicy policy = PolicySpecs.parse("mask:off=0/0|firstk:k=2");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(policy);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            EvalPolicy.Routed copy = (EvalPolicy.Routed) in.readObject();
            assertEquals(policy.spec(), copy.policy().spec());
            assertArrayEquals(
                    new int[] {1, 2},
                    TinyModels.experts(TinyModels.routeOne(copy.policy(), TinyModels.MIXTRAL, 0, LOGITS), 0));
        }
    }

    @Test
    void itsMalformedSpecsGetTheUsualErrorsAndItsFormIsListed() {
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> PolicySpecs.parse("mask:off=0/0|firstk:k=0"));
        assertTrue(
                e.getMessage().contains("routing policy 'mask:off=0/0|firstk:k=0': k must be an integer of at least 1"),
                e.getMessage());
        assertTrue(e.getMessage().contains("valid forms: native; topk:k=K"), e.getMessage());
        assertTrue(e.getMessage().contains("; firstk:k=K; "), e.getMessage());
        assertTrue(assertThrows(MoelabInputException.class, () -> PolicySpecs.parse("firstk:k=2|topk:k=2"))
                .getMessage()
                .contains("two selecting policies ('firstk:k=2' and 'topk:k=2')"));
    }

    @Test
    void unknownNamesListEveryRegisteredName() {
        List<String> names =
                PolicyRegistry.kinds().stream().map(PolicyKind::name).toList();
        assertTrue(
                names.containsAll(List.of(
                        "native", "topk", "topp", "temperature", "random", "rank", "mask", "bias", "skip", "firstk")),
                names.toString());
        for (String list : List.of("native,top2:k=2", "mask:off=1/3|top2")) {
            MoelabInputException e = assertThrows(MoelabInputException.class, () -> PolicySpecs.parseList(list));
            assertTrue(
                    e.getMessage().contains("unknown policy 'top2' (known: " + String.join(", ", names) + ", scmoe)"),
                    e.getMessage());
        }
    }

    @Test
    void namesAreUniqueAndFitTheGrammar() {
        PolicyRegistry.register(FirstKRouting.KIND);
        assertThrows(
                IllegalArgumentException.class,
                () -> PolicyRegistry.register(new PolicyKind.Selector("firstk", "firstk:n=N", FirstKRouting::parse)));
        assertThrows(
                IllegalArgumentException.class,
                () -> PolicyRegistry.register(new PolicyKind.Selector("topk", "topk:k=K", FirstKRouting::parse)));
        assertThrows(
                IllegalArgumentException.class,
                () -> PolicyRegistry.register(new PolicyKind.Selector("scmoe", "scmoe", FirstKRouting::parse)));
        for (String name : List.of("", "first|k", "first:k", "k=2", "a,b", "Top")) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> new PolicyKind.Selector(name, name, FirstKRouting::parse),
                    name);
        }
    }
}
