package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Uniform averaging, the merging baseline (docs/METHODS.md §2): the same groups as M-SMoE (so the two
 * differ only in how a group is merged), each merged with equal weights and no neuron alignment,
 * as MC-SMoE's "average" baseline does.
 */
public final class UniformAveraging implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("uniform", List.of(), (values, context) -> new UniformAveraging());

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("grouping", "m-smoe");
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        ExpertGrouping grouping = ExpertGrouping.byRouterSimilarity(layer, calibration, context.targetExperts());
        return GroupMerge.apply(layer, grouping, (target, members, plan) -> {
            double[] weights = new double[members.size()];
            Arrays.fill(weights, 1.0 / members.size());
            for (int i = 0; i < members.size(); i++) {
                plan.add(PlanEntry.unpermuted(target, members.get(i), weights[i]));
            }
            List<ExpertWeights> experts =
                    members.stream().map(layer.experts()::get).toList();
            return ExpertWeights.weightedSum(experts, weights);
        });
    }
}
