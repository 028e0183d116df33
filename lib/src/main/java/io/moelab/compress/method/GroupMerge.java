package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds a merged layer from a grouping: one target expert per group, the router's leader rows
 * for the smaller-router form, every member mapped to its group for the exact-router form.
 */
final class GroupMerge {
    private GroupMerge() {}

    /** How one group becomes one expert: its members (leader first) → merged expert and plan rows. */
    interface Merger {
        ExpertWeights merge(int target, List<Integer> members, List<PlanEntry> plan);
    }

    static CompressedLayer apply(MoeLayerWeights layer, ExpertGrouping grouping, Merger merger) {
        List<ExpertWeights> experts = new ArrayList<>();
        List<PlanEntry> plan = new ArrayList<>();
        for (int g = 0; g < grouping.leaders().length; g++) {
            experts.add(merger.merge(g, grouping.members(g), plan));
        }
        return new CompressedLayer(
                experts,
                layer.routerRows(grouping.leaders()),
                grouping.groupOf().clone(),
                plan);
    }
}
