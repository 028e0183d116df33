package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressionMethod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry of compression methods: names, merged parameters, building methods, refusing conflicts. */
class CompressionMethodRegistryTest {
    private static final MethodContext CONTEXT = new MethodContext(0, ExpertClustering.COMMONS_MATH);

    private final CompressionMethodRegistry registry = CompressionMethodRegistry.builtIn();

    @Test
    void builtInMethodsInTheOrderTheCliLists() {
        assertEquals(
                List.of(
                        "frequency",
                        "random",
                        "naee",
                        "uniform",
                        "m-smoe",
                        "mc-smoe",
                        "sub-moe",
                        "dern",
                        "mixed-precision"),
                List.copyOf(registry.names()));
    }

    @Test
    void sharedRankIsOneParameter() {
        List<MethodParameter<?>> parameters = List.copyOf(registry.parameters());
        assertEquals(
                List.of("naee-batch-tokens", "rank", "sparse-share", "average-bits"),
                parameters.stream().map(MethodParameter::name).toList());
        assertEquals(
                List.of(128, 0, 0.05, 3.0),
                parameters.stream().map(MethodParameter::defaultValue).toList());
    }

    @Test
    void defaultsBuildTheMethodsTheCliBuiltBefore() {
        Map<String, CompressionMethod> before = Map.of(
                "frequency", new FrequencyPruning(),
                "random", new RandomPruning(0),
                "naee", new ReconstructionPruning(128),
                "uniform", new UniformAveraging(),
                "m-smoe", new MSmoe(),
                "mc-smoe", new McSmoe(0, 0.05),
                "sub-moe", new SubMoe(ExpertClustering.COMMONS_MATH, 0, 0),
                "dern", new Dern(),
                "mixed-precision", new MixedPrecisionExperts(3.0));
        for (String name : registry.names()) {
            CompressionMethod built = registry.create(name, ParameterValues.defaults(), CONTEXT);
            assertEquals(name, built.name());
            assertEquals(before.get(name).parameters(), built.parameters(), name);
        }
    }

    @Test
    void valuesAndContextReachTheMethods() {
        ParameterValues values = new ParameterValues(
                Map.of("rank", 5, "sparse-share", 0.1, "naee-batch-tokens", 64, "average-bits", 2.5));
        MethodContext seeded = new MethodContext(9, ExpertClustering.COMMONS_MATH);
        assertEquals(
                new McSmoe(5, 0.1).parameters(),
                registry.create("mc-smoe", values, seeded).parameters());
        assertEquals(
                new SubMoe(ExpertClustering.COMMONS_MATH, 9, 5).parameters(),
                registry.create("sub-moe", values, seeded).parameters());
        assertEquals(
                new RandomPruning(9).parameters(),
                registry.create("random", values, seeded).parameters());
        assertEquals(
                new ReconstructionPruning(64).parameters(),
                registry.create("naee", values, seeded).parameters());
        assertEquals(
                new MixedPrecisionExperts(2.5).parameters(),
                registry.create("mixed-precision", values, seeded).parameters());
    }

    @Test
    void unknownMethodIsBadInputNamingTheKnownOnes() {
        var error = assertThrows(
                MoelabInputException.class, () -> registry.create("magic", ParameterValues.defaults(), CONTEXT));
        assertTrue(
                error.getMessage().contains("unknown compression method 'magic'; known: frequency, random"),
                error.getMessage());
    }

    @Test
    void conflictingDeclarationOrTakenNameIsRefusedAndNothingAdded() {
        MethodParameter<Integer> otherRank = new MethodParameter<>("rank", Integer.class, 8, "Another rank.");
        var conflict = assertThrows(
                IllegalArgumentException.class,
                () -> registry.register(
                        new MethodDescriptor("other", List.of(otherRank), (values, context) -> new MSmoe())));
        assertTrue(conflict.getMessage().contains("--rank"), conflict.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> registry.register(new MethodDescriptor("m-smoe", List.of(), (values, context) -> new MSmoe())));
        assertEquals(9, registry.names().size());
        assertEquals(4, registry.parameters().size());
    }

    @Test
    void parameterDeclarationsAreChecked() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new MethodParameter<>("Sparse_Share", Double.class, 0.05, "Bad name."));
        // A primitive class holds no boxed default, and could not cast the parsed values.
        assertThrows(IllegalArgumentException.class, () -> new MethodParameter<>("rank", int.class, 0, "Primitive."));
        assertEquals("naeeBatchTokens", MethodParameter.camelCase("naee-batch-tokens"));
    }
}
