package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NAEE's {@code skip}: drops exactly the slots below β·w1, gates the rest by the family rule, reads and checks the betas file. */
class DynamicSkipRoutingTest {
    @TempDir
    Path dir;

    private String betasFile(String json) throws IOException {
        Path file = dir.resolve("betas-" + Math.abs(json.hashCode()) + ".json");
        Files.writeString(file, json);
        return file.toString();
    }

    private RoutingPolicy skip(String json, io.moelab.moe.MoeConfig config) throws IOException {
        return TinyModels.policy("skip:betas=" + betasFile(json), config);
    }

    @Test
    void dropsExactlyTheSecondSlotsBelowBetaTimesTheFirst() throws IOException {
        RoutingPolicy policy = skip("{\"betas\": {\"0\": 0.5, \"1\": 0.5, \"2\": 0.5}}", TinyModels.MIXTRAL);
        // Token 0: w2/w1 = 0.3/0.4 ≥ 0.5, kept. Token 1: 0.15/0.5 < 0.5, dropped. Token 2: 0.26/0.5 ≥ 0.5, kept.
        float[] logits = concat(
                TinyModels.logitsOf(0.4, 0.3, 0.1, 0.1, 0.05, 0.05),
                TinyModels.logitsOf(0.5, 0.15, 0.1, 0.1, 0.1, 0.05),
                TinyModels.logitsOf(0.5, 0.26, 0.1, 0.05, 0.05, 0.04));
        RoutingDecision decision =
                policy.route(0, logits, 3, TinyModels.MIXTRAL, RoutingContext.of(TokenBatch.of(new int[] {1, 2, 3})));
        assertArrayEquals(new int[] {0, 1}, TinyModels.experts(decision, 0));
        assertArrayEquals(new int[] {0}, TinyModels.experts(decision, 1));
        assertArrayEquals(new int[] {0, 1}, TinyModels.experts(decision, 2));
        // Mixtral renormalises over what is kept, as NAEE's reference divides by the sum after zeroing.
        assertArrayEquals(new float[] {0.4f / 0.7f, 0.3f / 0.7f}, TinyModels.gates(decision, 0), 1e-6f);
        assertArrayEquals(new float[] {1f}, TinyModels.gates(decision, 1), 1e-6f);
        assertEquals(5.0 / 3, decision.meanExpertsPerToken(), 1e-12);
    }

    @Test
    void aFamilyThatDoesNotRenormaliseKeepsTheRawProbability() throws IOException {
        RoutingPolicy policy = skip("{\"betas\": {\"0\": 0.5, \"2\": 0.9}}", TinyModels.QWEN2_MOE);
        float[] logits = TinyModels.logitsOf(0.4, 0.3, 0.1, 0.1, 0.05, 0.05);
        assertArrayEquals(
                new float[] {0.4f, 0.3f},
                TinyModels.gates(TinyModels.routeOne(policy, TinyModels.QWEN2_MOE, 0, logits), 0),
                1e-6f);
        // β is per layer: 0.3 < 0.9 · 0.4 in layer 2.
        assertArrayEquals(
                new float[] {0.4f},
                TinyModels.gates(TinyModels.routeOne(policy, TinyModels.QWEN2_MOE, 2, logits), 0),
                1e-6f);
    }

    @Test
    void betaZeroNeverSkipsAndBetaOneKeepsOnlyTheFirst() throws IOException {
        float[] logits = TinyModels.logitsOf(0.4, 0.3, 0.1, 0.1, 0.05, 0.05);
        assertEquals(
                2,
                TinyModels.routeOne(
                                skip("{\"betas\": {\"0\": 0, \"1\": 0, \"2\": 0}}", TinyModels.MIXTRAL),
                                TinyModels.MIXTRAL,
                                1,
                                logits)
                        .count(0));
        assertEquals(
                1,
                TinyModels.routeOne(
                                skip("{\"betas\": {\"0\": 1, \"1\": 1, \"2\": 1}}", TinyModels.MIXTRAL),
                                TinyModels.MIXTRAL,
                                1,
                                logits)
                        .count(0));
    }

    @Test
    void withMoreThanTwoExpertsEverySlotAfterTheFirstIsTestedAgainstBetaTimesTheFirst() throws IOException {
        RoutingPolicy policy = skip("{\"betas\": {\"0\": 0.5}}", TinyModels.MIXTRAL_TOP3);
        RoutingDecision decision = TinyModels.routeOne(
                policy, TinyModels.MIXTRAL_TOP3, 0, TinyModels.logitsOf(0.4, 0.3, 0.15, 0.1, 0.03, 0.02));
        assertArrayEquals(new int[] {0, 1}, TinyModels.experts(decision, 0));
        assertArrayEquals(new float[] {0.4f / 0.7f, 0.3f / 0.7f}, TinyModels.gates(decision, 0), 1e-6f);
    }

    @Test
    void theSpecRecordsTheNormalisedPathAndRoundTrips() throws IOException {
        String file = betasFile("{\"betas\": {\"0\": 0.5, \"2\": 0.5}}");
        Path path = Path.of(file);
        String spec = "skip:betas=" + path.getParent().resolve(".").resolve(path.getFileName());
        EvalPolicy policy = PolicySpecs.parse(spec);
        assertEquals("skip:betas=" + file, policy.spec());
        assertEquals(policy.spec(), PolicySpecs.parse(policy.spec()).spec());
    }

    @Test
    void theFileMustBeReadableJsonWithBetasInRange() throws IOException {
        assertFileError("skip:betas=" + dir.resolve("missing.json"), "missing.json", "cannot be read");
        assertFileError("skip:betas=" + betasFile("{\"betas\": "), "betas-", "not valid JSON");
        assertFileError("skip:betas=" + betasFile("{\"layers\": {}}"), "betas-", "{\"betas\"");
        assertFileError("skip:betas=" + betasFile("{\"betas\": {\"0\": 1.5}}"), "betas-", "beta of layer 0 is 1.5");
        assertFileError(
                "skip:betas=" + betasFile("{\"betas\": {\"0\": \"high\"}}"), "betas-", "expected a number in [0, 1]");
        assertFileError(
                "skip:betas=" + betasFile("{\"betas\": {\"first\": 0.3}}"),
                "betas-",
                "'first' is not a decoder layer index");
    }

    private static void assertFileError(String spec, String fileHint, String what) {
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> PolicySpecs.parse(spec));
        assertTrue(
                e.getMessage().contains(fileHint)
                        && e.getMessage().contains(what)
                        && e.getMessage().contains(spec),
                e.getMessage());
    }

    @Test
    void everyMoeLayerNeedsABetaAndNoOtherLayerMayHaveOne() throws IOException {
        EvalPolicy missing = PolicySpecs.parse("skip:betas=" + betasFile("{\"betas\": {\"0\": 0.5}}"));
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> missing.validateFor(TinyModels.QWEN2_MOE));
        assertTrue(
                e.getMessage().contains("no beta for MoE layer 2")
                        && e.getMessage().contains("[0, 2]"),
                e.getMessage());
        EvalPolicy dense =
                PolicySpecs.parse("skip:betas=" + betasFile("{\"betas\": {\"0\": 0.5, \"1\": 0.5, \"2\": 0.5}}"));
        e = assertThrows(MoelabInputException.class, () -> dense.validateFor(TinyModels.QWEN2_MOE));
        assertTrue(e.getMessage().contains("layer 1, which is not a MoE layer"), e.getMessage());
    }

    private static float[] concat(float[]... rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, out, r * rows[0].length, rows[0].length);
        }
        return out;
    }
}
