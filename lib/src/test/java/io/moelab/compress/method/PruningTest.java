package io.moelab.compress.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.RandomLayers;
import io.moelab.moe.MoeConfig;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PruningTest {
    private static final int HIDDEN = 6;
    private static final MoeConfig CONFIG = RandomLayers.mixtral(5, 2, HIDDEN);
    private static final CompressionContext TO_THREE = new CompressionContext(CONFIG, 3);

    private final Random random = new Random(3);
    private final MoeLayerWeights layer = RandomLayers.randomLayer(random, 5, HIDDEN, 7);
    private final LayerCalibration calibration =
            RandomLayers.randomCalibration(random, new long[] {5, 9, 1, 9, 4}, 40, HIDDEN);

    @Test
    void frequencyPruningKeepsTheMostSelectedTiesToTheLowerIndex() {
        CompressedLayer pruned = new FrequencyPruning().compress(layer, calibration, TO_THREE);
        assertArrayEquals(new int[] {0, 1, -1, 2, -1}, pruned.expertMap(), "9, 9 and 5 selections kept");
        assertArrayEquals(layer.routerRows(new int[] {0, 1, 3}), pruned.router());
        assertEquals(layer.experts().get(3), pruned.experts().get(2));
    }

    @Test
    void randomPruningIsSeeded() {
        int[] a = new RandomPruning(1).compress(layer, calibration, TO_THREE).expertMap();
        assertArrayEquals(
                a, new RandomPruning(1).compress(layer, calibration, TO_THREE).expertMap());
        boolean differs = false;
        for (long seed = 2; seed < 10 && !differs; seed++) {
            differs = !Arrays.equals(
                    a,
                    new RandomPruning(seed)
                            .compress(layer, calibration, TO_THREE)
                            .expertMap());
        }
        assertTrue(differs, "another seed draws another subset");
    }

    /** NAEE's pick against an independent double-precision evaluation of every 3-subset. */
    @Test
    void naeeKeepsTheSubsetWithTheLeastReconstructionError() {
        int batch = 16;
        CompressedLayer pruned = new ReconstructionPruning(batch).compress(layer, calibration, TO_THREE);
        boolean[] kept = new boolean[5];
        Arrays.fill(kept, true);
        double[][] full = blockOutput(kept);
        double chosen = Double.NaN;
        double best = Double.POSITIVE_INFINITY;
        for (int mask = 0; mask < 32; mask++) {
            if (Integer.bitCount(mask) != 3) {
                continue;
            }
            for (int e = 0; e < 5; e++) {
                kept[e] = (mask >> e & 1) == 1;
            }
            double error = batchedError(full, blockOutput(kept), batch);
            best = Math.min(best, error);
            boolean isChosen = true;
            for (int e = 0; e < 5; e++) {
                isChosen &= kept[e] == (pruned.expertMap()[e] >= 0);
            }
            if (isChosen) {
                chosen = error;
            }
        }
        assertEquals(best, chosen, 1e-4 * best);
        assertFalse(Double.isNaN(chosen));
    }

    private double[][] blockOutput(boolean[] kept) {
        int tokens = calibration.tokens();
        double[][] out = new double[tokens][HIDDEN];
        for (int t = 0; t < tokens; t++) {
            float[] x = Arrays.copyOfRange(calibration.inputs(), t * HIDDEN, (t + 1) * HIDDEN);
            double[] logits = new double[5];
            double max = Double.NEGATIVE_INFINITY;
            for (int e = 0; e < 5; e++) {
                for (int h = 0; h < HIDDEN; h++) {
                    logits[e] += layer.router()[e * HIDDEN + h] * x[h];
                }
                logits[e] = kept[e] ? logits[e] : Double.NEGATIVE_INFINITY;
                max = Math.max(max, logits[e]);
            }
            Integer[] order = {0, 1, 2, 3, 4};
            double[] l = logits;
            Arrays.sort(order, (a, b) -> Double.compare(l[b], l[a]));
            double first = Math.exp(logits[order[0]] - max);
            double second = Math.exp(logits[order[1]] - max);
            for (int s = 0; s < 2; s++) {
                double gate = (s == 0 ? first : second) / (first + second); // Mixtral renormalises the top 2
                float[] y = layer.experts().get(order[s]).apply(x, 1);
                for (int h = 0; h < HIDDEN; h++) {
                    out[t][h] += gate * y[h];
                }
            }
        }
        return out;
    }

    private static double batchedError(double[][] a, double[][] b, int batch) {
        double total = 0;
        for (int start = 0; start < a.length; start += batch) {
            double squares = 0;
            for (int t = start; t < Math.min(a.length, start + batch); t++) {
                for (int h = 0; h < a[t].length; h++) {
                    squares += (a[t][h] - b[t][h]) * (a[t][h] - b[t][h]);
                }
            }
            total += Math.sqrt(squares);
        }
        return total;
    }
}
