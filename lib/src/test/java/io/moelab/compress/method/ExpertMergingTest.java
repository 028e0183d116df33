package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionFixtures;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import io.moelab.compress.RandomLayers;
import io.moelab.moe.MoeConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * M-SMoE, MC-SMoE, uniform averaging and Sub-MoE on a planted layer: experts 1 and 3 are experts
 * 0 and 2 with their neurons shuffled (the same functions), with router rows equal to theirs, and
 * experts 0 and 2 the most used. Merging must find the pairs and, with alignment, give back
 * experts 0 and 2 themselves.
 */
class ExpertMergingTest {
    private static final int HIDDEN = 8;
    private static final int WIDTH = 12;
    private static final MoeConfig CONFIG = RandomLayers.mixtral(4, 2, HIDDEN);
    private static final CompressionContext TO_TWO = new CompressionContext(CONFIG, 2);
    private static final long[] SELECTIONS = {30, 3, 20, 7};

    private final Random random = new Random(7);
    private final int[] shuffle1 = shuffled(WIDTH, 11);
    private final int[] shuffle3 = shuffled(WIDTH, 13);
    private final ExpertWeights e0 = RandomLayers.randomExpert(random, HIDDEN, WIDTH);
    private final ExpertWeights e2 = RandomLayers.randomExpert(random, HIDDEN, WIDTH);
    private final MoeLayerWeights layer = plantedLayer();
    private final LayerCalibration calibration = RandomLayers.randomCalibration(random, SELECTIONS, 64, HIDDEN);

    @Test
    void mSmoeGroupsByRouterSimilarityAlignsAndMergesByFrequency() {
        CompressedLayer merged = new MSmoe().compress(layer, calibration, TO_TWO);
        assertArrayEquals(new int[] {0, 0, 1, 1}, merged.expertMap());
        assertWithin(e0, merged.experts().get(0), 1e-6f);
        assertWithin(e2, merged.experts().get(1), 1e-6f);
        assertArrayEquals(layer.routerRows(new int[] {0, 2}), merged.router(), "the leaders' router rows");
        PlanEntry member = merged.plan().get(1);
        assertEquals(1, member.source());
        assertEquals(3.0 / 33, member.coefficient(), 1e-12, "f_e / Σ f within the group");
        assertEquals(30.0 / 33, merged.plan().get(0).coefficient(), 1e-12);
        assertNull(merged.plan().get(0).permutationDigest(), "the leader is not permuted");
        assertNotNull(member.permutationDigest());
    }

    @Test
    void uniformAveragingWithoutAlignmentDoesNotRecoverTheExperts() {
        CompressedLayer merged = new UniformAveraging().compress(layer, calibration, TO_TWO);
        assertArrayEquals(new int[] {0, 0, 1, 1}, merged.expertMap());
        assertEquals(0.5, merged.plan().get(1).coefficient(), 0);
        ExpertWeights expected =
                ExpertWeights.weightedSum(List.of(e0, e0.permuteNeurons(shuffle1)), new double[] {0.5, 0.5});
        assertWithin(expected, merged.experts().get(0), 1e-6f);
        assertTrue(CompressionFixtures.maxAbsDifference(
                        e0.gate(), merged.experts().get(0).gate())
                > 0.1f);
    }

    @Test
    void mcSmoeWithTheWholeResidualKeptIsMSmoe() {
        CompressedLayer exact = new McSmoe(2, 1.0).compress(layer, calibration, TO_TWO);
        CompressedLayer merged = new MSmoe().compress(layer, calibration, TO_TWO);
        assertWithin(merged.experts().get(1), exact.experts().get(1), 1e-5f);
        CompressedLayer lowRank = new McSmoe(2, 0.0).compress(layer, calibration, TO_TWO);
        assertTrue(
                CompressionFixtures.maxAbsDifference(
                                merged.experts().get(1).up(),
                                lowRank.experts().get(1).up())
                        > 1e-2f,
                "rank 2 of a 12 × 8 matrix loses something");
    }

    @Test
    void subMoeClustersExpertsWithTheSameOutputs() {
        CompressedLayer merged =
                new SubMoe(ExpertClustering.COMMONS_MATH, 0, WIDTH).compress(layer, calibration, TO_TWO);
        assertArrayEquals(new int[] {0, 0, 1, 1}, merged.expertMap());
        assertArrayEquals(layer.routerRows(new int[] {0, 2}), merged.router(), "each cluster's most frequent member");
        // At full rank the joint SVD merge is the frequency-weighted average (unaligned, as Sub-MoE does).
        ExpertWeights expected =
                ExpertWeights.weightedSum(List.of(e2, e2.permuteNeurons(shuffle3)), new double[] {20.0 / 27, 7.0 / 27});
        assertWithin(expected, merged.experts().get(1), 1e-4f);
    }

    private MoeLayerWeights plantedLayer() {
        float[] router = new float[4 * HIDDEN];
        float[] row0 = RandomLayers.gaussians(random, HIDDEN);
        float[] row2 = RandomLayers.gaussians(random, HIDDEN);
        System.arraycopy(row0, 0, router, 0, HIDDEN);
        System.arraycopy(row0, 0, router, HIDDEN, HIDDEN);
        System.arraycopy(row2, 0, router, 2 * HIDDEN, HIDDEN);
        System.arraycopy(row2, 0, router, 3 * HIDDEN, HIDDEN);
        List<ExpertWeights> experts =
                new ArrayList<>(List.of(e0, e0.permuteNeurons(shuffle1), e2, e2.permuteNeurons(shuffle3)));
        return new MoeLayerWeights(0, HIDDEN, router, experts);
    }

    private static int[] shuffled(int n, long seed) {
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add(i);
        }
        java.util.Collections.shuffle(values, new Random(seed));
        return values.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void assertWithin(ExpertWeights expected, ExpertWeights actual, float tolerance) {
        assertTrue(CompressionFixtures.maxAbsDifference(expected.gate(), actual.gate()) <= tolerance, "gate");
        assertTrue(CompressionFixtures.maxAbsDifference(expected.up(), actual.up()) <= tolerance, "up");
        assertTrue(CompressionFixtures.maxAbsDifference(expected.down(), actual.down()) <= tolerance, "down");
    }
}
