package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import io.moelab.compress.RandomLayers;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DernTest {
    private static final float EPS = 1e-6f;

    /**
     * hidden 2, intermediate 2. A neuron's vector is [gate row, up row, down column]:
     * expert 0: n0 = (1,0, 0,0, 0,0), n1 = (0,1, 0,0, 0,0);
     * expert 1: n0 = (0,0, 1,0, 0,0), n1 = (0,0, 0,0, 0,1);
     * expert 2: n0 = (0,0, 2,0, 0,.5) best matches 1/n0 (cos .97), n1 = (.5,3, 0,0, 1,0) best matches 0/n1 (cos .94);
     * expert 3: n0 = (0,2, 0,0, 0,0) matches 0/n1 exactly, n1 = (0,0, 0,0, 0,3) matches 1/n1 exactly.
     */
    private static MoeLayerWeights handLayer() {
        List<ExpertWeights> experts = List.of(
                new ExpertWeights(2, 2, new float[] {1, 0, 0, 1}, new float[4], new float[4]),
                new ExpertWeights(2, 2, new float[4], new float[] {1, 0, 0, 0}, new float[] {0, 0, 0, 1}),
                new ExpertWeights(
                        2, 2, new float[] {0, 0, 0.5f, 3}, new float[] {2, 0, 0, 0}, new float[] {0, 1, 0.5f, 0}),
                new ExpertWeights(2, 2, new float[] {0, 2, 0, 0}, new float[4], new float[] {0, 0, 0, 3}));
        return new MoeLayerWeights(0, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, experts);
    }

    private static CompressedLayer dern(MoeLayerWeights layer, long[] selections, int keep) {
        CompressionContext context =
                new CompressionContext(RandomLayers.mixtral(layer.numExperts(), 1, layer.hidden()), keep);
        return new Dern().compress(layer, LayerCalibration.countsOnly(selections, layer.hidden()), context);
    }

    @Test
    void segmentsMergeIntoTheirBestMatchingNeuronsWeightedByFrequency() {
        CompressedLayer compressed = dern(handLayer(), new long[] {5, 3, 2, 1}, 2);

        assertArrayEquals(new int[] {0, 1, -1, -1}, compressed.expertMap());
        assertArrayEquals(new float[] {1, 2, 3, 4}, compressed.router(), "retained experts keep their router rows");
        // 0/n1 = (5·(0,1 | 0,0 | 0,0) + 2·(.5,3 | 0,0 | 1,0) + 1·(0,2 | 0,0 | 0,0)) / 8; 0/n0 received nothing.
        ExpertWeights first = compressed.experts().get(0);
        assertArrayEquals(new float[] {1, 0, 0.125f, 1.625f}, first.gate(), EPS);
        assertArrayEquals(new float[] {0, 0, 0, 0}, first.up(), EPS);
        assertArrayEquals(new float[] {0, 0.25f, 0, 0}, first.down(), EPS);
        // 1/n0 = (3·(0,0 | 1,0 | 0,0) + 2·(0,0 | 2,0 | 0,.5)) / 5; 1/n1 = (3·(0,0 | 0,0 | 0,1) + 1·(0,0 | 0,0 | 0,3)) /
        // 4.
        ExpertWeights second = compressed.experts().get(1);
        assertArrayEquals(new float[] {0, 0, 0, 0}, second.gate(), EPS);
        assertArrayEquals(new float[] {1.4f, 0, 0, 0}, second.up(), EPS);
        assertArrayEquals(new float[] {0, 0, 0.2f, 1.5f}, second.down(), EPS);
        for (ExpertWeights expert : compressed.experts()) {
            assertEquals(2, expert.hidden());
            assertEquals(2, expert.intermediate(), "a retained expert keeps its width");
        }
        // Coefficient = the source's merge weight averaged over the target's two neurons.
        assertPlan(compressed.plan(), new double[][] {
            {0, 0, (1 + 5.0 / 8) / 2}, {0, 2, 2.0 / 8 / 2}, {0, 3, 1.0 / 8 / 2},
            {1, 1, (3.0 / 5 + 3.0 / 4) / 2}, {1, 2, 2.0 / 5 / 2}, {1, 3, 1.0 / 4 / 2}
        });
    }

    @Test
    void segmentsOfNeverSelectedExpertsLeaveTheRetainedExpertsUnchanged() {
        MoeLayerWeights layer = handLayer();
        CompressedLayer compressed = dern(layer, new long[] {5, 3, 0, 0}, 2);

        for (int t = 0; t < 2; t++) {
            assertExpertEquals(layer.experts().get(t), compressed.experts().get(t));
        }
        assertPlan(compressed.plan(), new double[][] {{0, 0, 1}, {1, 1, 1}});
    }

    @Test
    void keepingEveryExpertGivesTheLayerBackBitExactly() {
        Random random = new Random(7);
        MoeLayerWeights layer = RandomLayers.randomLayer(random, 4, 5, 6);
        CompressedLayer compressed = Dern.recombine(layer, new int[] {3, 1, 0, 2}, new double[] {0.4, 0.3, 0.2, 0.1});

        assertArrayEquals(new int[] {0, 1, 2, 3}, compressed.expertMap());
        assertArrayEquals(layer.router(), compressed.router());
        for (int e = 0; e < 4; e++) {
            assertExpertEquals(layer.experts().get(e), compressed.experts().get(e));
        }
        assertPlan(compressed.plan(), new double[][] {{0, 0, 1}, {1, 1, 1}, {2, 2, 1}, {3, 3, 1}});
    }

    @Test
    void randomLayerKeepsTheMostFrequentExpertsAtFullWidthWithCoefficientsSummingToOne() {
        Random random = new Random(11);
        MoeLayerWeights layer = RandomLayers.randomLayer(random, 6, 5, 7);
        long[] selections = {40, 7, 25, 3, 31, 12};
        CompressedLayer compressed = dern(layer, selections, 3);

        assertArrayEquals(new int[] {0, -1, 1, -1, 2, -1}, compressed.expertMap());
        assertArrayEquals(layer.routerRows(new int[] {0, 2, 4}), compressed.router());
        for (ExpertWeights expert : compressed.experts()) {
            assertEquals(7, expert.intermediate());
        }
        double[] sums = new double[3];
        boolean[] contributed = new boolean[6];
        for (PlanEntry entry : compressed.plan()) {
            sums[entry.target()] += entry.coefficient();
            contributed[entry.source()] = true;
        }
        assertArrayEquals(new double[] {1, 1, 1}, sums, 1e-12);
        assertTrue(contributed[1] && contributed[3] && contributed[5], "every dropped expert gave its neurons away");

        CompressedLayer again = dern(layer, selections, 3);
        for (int t = 0; t < 3; t++) {
            assertExpertEquals(compressed.experts().get(t), again.experts().get(t));
        }
    }

    @Test
    void refusesToKeepEveryExpert() {
        assertThrows(MoelabInputException.class, () -> dern(handLayer(), new long[] {5, 3, 2, 1}, 4));
    }

    private static void assertExpertEquals(ExpertWeights expected, ExpertWeights actual) {
        assertArrayEquals(expected.gate(), actual.gate());
        assertArrayEquals(expected.up(), actual.up());
        assertArrayEquals(expected.down(), actual.down());
    }

    /** Rows of {target, source, coefficient}, in plan order. */
    private static void assertPlan(List<PlanEntry> plan, double[][] expected) {
        assertEquals(expected.length, plan.size(), () -> "plan " + plan);
        for (int i = 0; i < expected.length; i++) {
            PlanEntry entry = plan.get(i);
            assertEquals((int) expected[i][0], entry.target(), () -> "plan " + plan);
            assertEquals((int) expected[i][1], entry.source(), () -> "plan " + plan);
            assertEquals(
                    expected[i][2],
                    entry.coefficient(),
                    1e-12,
                    () -> "plan " + plan + " vs " + Arrays.deepToString(expected));
        }
    }
}
