package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** What every pruning method shares: keeping a subset of a layer's experts unchanged. */
public final class ExpertPruning {
    private ExpertPruning() {}

    /** The layer with only {@code kept} experts, in ascending original order; the others are dropped. */
    public static CompressedLayer keep(MoeLayerWeights layer, int[] kept) {
        int[] sorted = kept.clone();
        Arrays.sort(sorted);
        int[] map = new int[layer.numExperts()];
        Arrays.fill(map, -1);
        List<ExpertWeights> experts = new ArrayList<>();
        List<PlanEntry> plan = new ArrayList<>();
        for (int t = 0; t < sorted.length; t++) {
            map[sorted[t]] = t;
            experts.add(layer.experts().get(sorted[t]));
            plan.add(PlanEntry.unpermuted(t, sorted[t], 1.0));
        }
        return new CompressedLayer(experts, layer.routerRows(sorted), map, plan);
    }

    /** The {@code m} experts with the highest score, ties to the lower index. */
    static int[] topByScore(double[] score, int m) {
        return IntStream.range(0, score.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(e -> -score[e]).thenComparingInt(e -> e))
                .limit(m)
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
