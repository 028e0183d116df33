package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MixedPrecisionExpertsTest {
    private static final int[] WIDTHS = {2, 3, 4, 8};

    @Test
    void allocationSpendsSpareBitsWhereTheyCutTheMostCost() {
        // One 4-bit slot in 8 bits: expert 1 saves 27, expert 2 saves 18, expert 0 saves 9.
        double[][] cost = {{10, 1}, {30, 3}, {20, 2}};
        assertArrayEquals(new int[] {2, 4, 2}, MixedPrecisionExperts.allocate(cost, new int[] {2, 4}, 8));
    }

    @Test
    void allocationIsTheExactOptimumWithinTheBudget() {
        Random random = new Random(13);
        for (int trial = 0; trial < 20; trial++) {
            int budget = 10 + random.nextInt(31);
            double[][] cost = new double[5][WIDTHS.length];
            for (double[] row : cost) {
                for (int w = 0; w < row.length; w++) {
                    row[w] = random.nextDouble();
                }
            }
            int[] bits = MixedPrecisionExperts.allocate(cost, WIDTHS, budget);
            assertTrue(Arrays.stream(bits).sum() <= budget, Arrays.toString(bits) + " over " + budget + " bits");
            assertEquals(bruteForceMinimum(cost, budget), cost(cost, bits), 1e-12, "budget " + budget);
        }
    }

    @Test
    void moreSignificantExpertsGetAtLeastAsManyBits() {
        double[] significance = {0.3, 2.0, 0.05, 1.1, 0.7, 4.0};
        double[] loss = {8, 4, 2, 0.5};
        double[][] cost = new double[significance.length][WIDTHS.length];
        for (int e = 0; e < significance.length; e++) {
            for (int w = 0; w < WIDTHS.length; w++) {
                cost[e][w] = significance[e] * loss[w];
            }
        }
        for (int budget = 12; budget <= 48; budget++) {
            int[] bits = MixedPrecisionExperts.allocate(cost, WIDTHS, budget);
            assertTrue(Arrays.stream(bits).sum() <= budget);
            for (int a = 0; a < bits.length; a++) {
                for (int b = 0; b < bits.length; b++) {
                    if (significance[a] > significance[b]) {
                        assertTrue(bits[a] >= bits[b], "budget " + budget + ": " + Arrays.toString(bits));
                    }
                }
            }
        }
    }

    @Test
    void compressQuantisesEveryExpertAtItsWidthAndKeepsRoutingWhole() {
        Random random = new Random(17);
        MoeLayerWeights layer = RandomLayers.randomLayer(random, 4, 8, 6);
        LayerCalibration calibration = RandomLayers.randomCalibration(random, new long[] {20, 50, 30, 28}, 64, 8);
        CompressedLayer compressed = compress(new MixedPrecisionExperts(3.0), layer, calibration, 2);

        int[] bits = compressed.expertBits().values().stream()
                .mapToInt(Integer::intValue)
                .toArray();
        assertEquals(
                List.of(0, 1, 2, 3), new ArrayList<>(compressed.expertBits().keySet()));
        assertTrue(Arrays.stream(bits).sum() <= 12, "budget 3.0 × 4 experts: " + Arrays.toString(bits));
        assertTrue(Arrays.stream(bits).allMatch(b -> Arrays.stream(WIDTHS).anyMatch(w -> w == b)));
        assertEquals(
                Arrays.stream(bits).average().getAsDouble(),
                compressed.averageBits().getAsDouble());
        assertArrayEquals(new int[] {0, 1, 2, 3}, compressed.expertMap());
        assertArrayEquals(layer.router(), compressed.router());
        for (int e = 0; e < 4; e++) {
            assertEquals(PlanEntry.unpermuted(e, e, 1.0), compressed.plan().get(e));
            ExpertWeights expected = RoundToNearest.expert(layer.experts().get(e), bits[e]);
            assertArrayEquals(expected.gate(), compressed.experts().get(e).gate());
            assertArrayEquals(expected.up(), compressed.experts().get(e).up());
            assertArrayEquals(expected.down(), compressed.experts().get(e).down());
        }
        assertEquals(
                compressed.expertBits(),
                compress(new MixedPrecisionExperts(3.0), layer, calibration, 2).expertBits(),
                "deterministic");
    }

    @Test
    void aBudgetAtTheWidestWidthGivesEveryExpertThatWidth() {
        Random random = new Random(19);
        MoeLayerWeights layer = RandomLayers.randomLayer(random, 4, 8, 6);
        LayerCalibration calibration = RandomLayers.randomCalibration(random, new long[] {1, 2, 3, 4}, 32, 8);
        CompressedLayer compressed = compress(new MixedPrecisionExperts(8.0), layer, calibration, 2);

        assertTrue(
                compressed.expertBits().values().stream().allMatch(b -> b == 8),
                compressed.expertBits().toString());
        assertEquals(8.0, compressed.averageBits().getAsDouble());
    }

    @Test
    void theMoreFrequentlySelectedExpertGetsMoreBits() {
        // Four copies of one expert that ignores input coordinates 0 and 1, which only steer the router:
        // tokens 0-31 go to expert 0, tokens 32-63 to expert 1 with the same remaining coordinates, so
        // the two have equal quantisation losses and gate mass and differ only in the selection counts.
        Random random = new Random(23);
        ExpertWeights expert = RandomLayers.randomExpert(random, 4, 6);
        for (int j = 0; j < 6; j++) {
            for (int h = 0; h < 2; h++) {
                expert.gate()[j * 4 + h] = 0;
                expert.up()[j * 4 + h] = 0;
            }
        }
        float[] router = new float[16];
        router[0] = 5;
        router[4 + 1] = 5;
        MoeLayerWeights layer = new MoeLayerWeights(0, 4, router, List.of(expert, expert, expert, expert));
        float[] inputs = new float[64 * 4];
        for (int t = 0; t < 32; t++) {
            float[] tail = {(float) random.nextGaussian(), (float) random.nextGaussian()};
            for (int token : new int[] {t, t + 32}) {
                inputs[token * 4 + (token < 32 ? 0 : 1)] = 1;
                System.arraycopy(tail, 0, inputs, token * 4 + 2, 2);
            }
        }
        // 11 bits for 4 experts: the two unused ones take the minimum, 7 bits remain for experts 0 and 1.
        MixedPrecisionExperts method = new MixedPrecisionExperts(2.75);
        CompressedLayer firstFavoured =
                compress(method, layer, new LayerCalibration(new long[] {48, 16, 0, 0}, inputs, 64, 4), 1);
        CompressedLayer secondFavoured =
                compress(method, layer, new LayerCalibration(new long[] {16, 48, 0, 0}, inputs, 64, 4), 1);

        assertEquals(
                List.of(4, 3, 2, 2), new ArrayList<>(firstFavoured.expertBits().values()));
        assertEquals(
                List.of(3, 4, 2, 2), new ArrayList<>(secondFavoured.expertBits().values()));
    }

    @Test
    void rejectsABudgetBelowTheNarrowestWidthAndWidthsOutOfRange() {
        assertThrows(MoelabInputException.class, () -> new MixedPrecisionExperts(1.5));
        assertThrows(MoelabInputException.class, () -> new MixedPrecisionExperts(3.0, List.of(1, 4), 1, 1.5));
        assertThrows(MoelabInputException.class, () -> new MixedPrecisionExperts(3.0, List.of(2, 32), 1, 1.5));
    }

    @Test
    void keepsEveryExpert() {
        assertFalse(new MixedPrecisionExperts(3.0).reducesExperts());
    }

    private static CompressedLayer compress(
            MixedPrecisionExperts method, MoeLayerWeights layer, LayerCalibration calibration, int topK) {
        CompressionContext context = new CompressionContext(
                RandomLayers.mixtral(layer.numExperts(), topK, layer.hidden()), layer.numExperts());
        return method.compress(layer, calibration, context);
    }

    private static double cost(double[][] cost, int[] bits) {
        double total = 0;
        for (int e = 0; e < bits.length; e++) {
            int width = bits[e];
            total += cost[e][Arrays.stream(WIDTHS).boxed().toList().indexOf(width)];
        }
        return total;
    }

    private static double bruteForceMinimum(double[][] cost, int budget) {
        int experts = cost.length;
        double best = Double.POSITIVE_INFINITY;
        int[] choice = new int[experts];
        for (int code = 0; code < Math.pow(WIDTHS.length, experts); code++) {
            int rest = code;
            int bits = 0;
            for (int e = 0; e < experts; e++) {
                choice[e] = rest % WIDTHS.length;
                rest /= WIDTHS.length;
                bits += WIDTHS[choice[e]];
            }
            if (bits <= budget) {
                double total = 0;
                for (int e = 0; e < experts; e++) {
                    total += cost[e][choice[e]];
                }
                best = Math.min(best, total);
            }
        }
        return best;
    }
}
