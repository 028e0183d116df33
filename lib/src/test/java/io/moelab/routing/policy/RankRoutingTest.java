package io.moelab.routing.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.moelab.routing.RoutingDecision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code rank:r=R}: only the R-th most probable expert, with gate 1. */
class RankRoutingTest {
    @ParameterizedTest
    @CsvSource({"1, 1", "2, 3", "3, 4", "6, 5"})
    void choosesOnlyTheRthRankedExpertWithGateOne(int rank, int expert) {
        float[] logits = TinyModels.logitsOf(0.1, 0.4, 0.06, 0.25, 0.15, 0.04);
        RoutingDecision decision = TinyModels.routeOne(new RankRouting(rank), TinyModels.QWEN2_MOE, 0, logits);
        assertArrayEquals(new int[] {expert}, TinyModels.experts(decision, 0));
        assertArrayEquals(new float[] {1f}, TinyModels.gates(decision, 0));
    }
}
