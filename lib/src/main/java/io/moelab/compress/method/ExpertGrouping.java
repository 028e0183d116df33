package io.moelab.compress.method;

import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import java.util.ArrayList;
import java.util.List;

/**
 * M-SMoE's grouping (MC-SMoE, Li et al. 2024; docs/METHODS.md §2): the m most frequent experts lead a
 * group each; every other expert joins the leader whose router-logit column over the calibration
 * tokens is most similar, similarity {@code (cos + 1) / 2}. Ties go to the lower leader index.
 * Groups are numbered by their leader's original index, ascending.
 *
 * @param leaders   leader of each group, ascending
 * @param groupOf   group index of every expert
 */
public record ExpertGrouping(int[] leaders, int[] groupOf) {

    public static ExpertGrouping byRouterSimilarity(MoeLayerWeights layer, LayerCalibration calibration, int groups) {
        int numExperts = layer.numExperts();
        int[] leaders = ExpertPruning.topByScore(calibration.frequencies(), groups);
        java.util.Arrays.sort(leaders);
        float[] logits = calibration.routerLogits(layer);
        int tokens = calibration.tokens();
        int[] groupOf = new int[numExperts];
        for (int e = 0; e < numExperts; e++) {
            int best = -1;
            double bestSimilarity = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < leaders.length; g++) {
                if (leaders[g] == e) {
                    best = g;
                    break;
                }
                double similarity = (columnCosine(logits, tokens, numExperts, e, leaders[g]) + 1) / 2;
                if (similarity > bestSimilarity) {
                    bestSimilarity = similarity;
                    best = g;
                }
            }
            groupOf[e] = best;
        }
        return new ExpertGrouping(leaders, groupOf);
    }

    /** Members of group {@code g}, the leader first, then ascending. */
    public List<Integer> members(int g) {
        List<Integer> members = new ArrayList<>();
        members.add(leaders[g]);
        for (int e = 0; e < groupOf.length; e++) {
            if (groupOf[e] == g && e != leaders[g]) {
                members.add(e);
            }
        }
        return members;
    }

    private static double columnCosine(float[] logits, int tokens, int numExperts, int a, int b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int t = 0; t < tokens; t++) {
            double x = logits[t * numExperts + a];
            double y = logits[t * numExperts + b];
            dot += x * y;
            normA += x * x;
            normB += y * y;
        }
        return normA == 0 || normB == 0 ? 0 : dot / Math.sqrt(normA * normB);
    }
}
