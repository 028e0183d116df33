package io.moelab.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressedLayerTest {
    private final List<ExpertWeights> experts =
            List.of(RandomLayers.randomExpert(new Random(1), 2, 3), RandomLayers.randomExpert(new Random(2), 2, 3));
    private final List<PlanEntry> plan = List.of(PlanEntry.unpermuted(0, 0, 1), PlanEntry.unpermuted(1, 1, 1));

    @Test
    void fullPrecisionLayersRecordNoBits() {
        CompressedLayer layer = new CompressedLayer(experts, new float[4], new int[] {0, 1}, plan);
        assertTrue(layer.expertBits().isEmpty());
        assertTrue(layer.averageBits().isEmpty());
    }

    @Test
    void averageBitsIsTheMeanOverExperts() {
        CompressedLayer layer = new CompressedLayer(experts, new float[4], new int[] {0, 1}, plan, Map.of(0, 2, 1, 8));
        assertEquals(5.0, layer.averageBits().getAsDouble());
    }

    @Test
    void bitsMustNameEveryTargetAndNoOther() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new CompressedLayer(experts, new float[4], new int[] {0, 1}, plan, Map.of(0, 4)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new CompressedLayer(experts, new float[4], new int[] {0, 1}, plan, Map.of(0, 4, 1, 4, 2, 4)));
    }
}
