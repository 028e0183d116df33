package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * M-SMoE (Li et al. 2024, "Merge, Then Compress"; docs/METHODS.md §2): {@link ExpertGrouping}'s groups
 * (leaders by frequency, members by router-logit similarity); each member's neurons permuted to
 * its leader's by {@link NeuronAlignment} (weight-matching profit, linear assignment); the group
 * merged as {@code Σ f_e W_e / Σ f_e} for W1, W3 and W2. As in the reference code a group whose
 * experts were never selected (Σ f = 0) is averaged with equal weights. The expert map keeps every
 * member pointing at its group, so the exact-router export routes as the original router does.
 */
public final class MSmoe implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("m-smoe", List.of(), (values, context) -> new MSmoe());

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("grouping", "router-logit cosine", "alignment", "weight matching", "merge", "frequency-weighted");
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        ExpertGrouping grouping = ExpertGrouping.byRouterSimilarity(layer, calibration, context.targetExperts());
        double[] frequency = calibration.frequencies();
        return GroupMerge.apply(layer, grouping, (target, members, plan) -> {
            ExpertWeights leader = layer.experts().get(members.get(0));
            List<ExpertWeights> aligned = new ArrayList<>();
            String[] digests = new String[members.size()];
            aligned.add(leader);
            for (int i = 1; i < members.size(); i++) {
                int[] permutation =
                        NeuronAlignment.align(leader, layer.experts().get(members.get(i)));
                aligned.add(layer.experts().get(members.get(i)).permuteNeurons(permutation));
                digests[i] = NeuronAlignment.digest(permutation);
            }
            double[] weights = GroupWeights.byFrequency(members, frequency);
            for (int i = 0; i < members.size(); i++) {
                plan.add(new PlanEntry(target, members.get(i), weights[i], digests[i]));
            }
            return ExpertWeights.weightedSum(aligned, weights);
        });
    }
}
