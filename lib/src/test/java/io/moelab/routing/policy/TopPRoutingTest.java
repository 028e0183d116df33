package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.moelab.moe.TokenBatch;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code topp}: experts up to and including the first whose cumulative probability exceeds p, raw gates, capped. */
class TopPRoutingTest {
    private static final float[] LOGITS = TinyModels.logitsOf(0.1, 0.45, 0.05, 0.25, 0.15, 0.0);

    @ParameterizedTest
    @CsvSource({"0.3, 1", "0.44, 1", "0.5, 2", "0.69, 2", "0.71, 3", "0.86, 4", "0.99, 5"})
    void keepsUpToAndIncludingTheFirstExceedingP(double p, int expected) {
        RoutingDecision decision =
                TinyModels.routeOne(new TopPRouting(p, TopPRouting.UNCAPPED), TinyModels.MIXTRAL, 0, LOGITS);
        int[] byProbability = {1, 3, 4, 0, 2};
        assertArrayEquals(java.util.Arrays.copyOf(byProbability, expected), TinyModels.experts(decision, 0));
    }

    @Test
    void gatesAreTheRawProbabilitiesEvenWhereTheFamilyRenormalises() {
        RoutingDecision decision =
                TinyModels.routeOne(new TopPRouting(0.6, TopPRouting.UNCAPPED), TinyModels.MIXTRAL, 0, LOGITS);
        assertArrayEquals(new float[] {0.45f, 0.25f}, TinyModels.gates(decision, 0), 1e-6f);
    }

    @Test
    void maxCapsTheExpertCount() {
        RoutingDecision decision = TinyModels.routeOne(new TopPRouting(0.9, 2), TinyModels.MIXTRAL, 0, LOGITS);
        assertArrayEquals(new int[] {1, 3}, TinyModels.experts(decision, 0));
    }

    @Test
    void zeroProbabilityExpertsAreNeverKeptAndAtLeastOneIs() {
        // p = 1 is never exceeded; expert 5 has probability 0 (logit −∞).
        assertEquals(
                5,
                TinyModels.routeOne(new TopPRouting(1, TopPRouting.UNCAPPED), TinyModels.MIXTRAL, 0, LOGITS)
                        .count(0));
        assertEquals(
                1,
                TinyModels.routeOne(new TopPRouting(0, TopPRouting.UNCAPPED), TinyModels.MIXTRAL, 0, LOGITS)
                        .count(0));
    }

    @Test
    void meanExpertsPerTokenCountsTheExpertsKept() {
        float[] two = new float[12];
        System.arraycopy(LOGITS, 0, two, 0, 6);
        System.arraycopy(TinyModels.logitsOf(0.9, 0.02, 0.02, 0.02, 0.02, 0.02), 0, two, 6, 6);
        RoutingDecision decision = new TopPRouting(0.6, TopPRouting.UNCAPPED)
                .route(0, two, 2, TinyModels.MIXTRAL, RoutingContext.of(TokenBatch.of(new int[] {1, 2})));
        assertEquals(1.5, decision.meanExpertsPerToken(), 1e-12);
    }
}
