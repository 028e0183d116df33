package io.moelab.jobs.calibrate;

import io.moelab.stats.ExpertSimilarity;
import io.moelab.stats.RoutingStatistics;
import io.moelab.stats.RoutingTrace;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one partition (or a merge of several) found: exact routing statistics, the optional
 * expert-output similarity sums and routing-trace sample, and the tokens processed. Merging is
 * associative and commutative, and the trace list is kept sorted, so the result does not depend
 * on how Spark split or combined the work. Like the accumulators, {@link #merge} adds the other
 * result into this one's accumulators.
 */
public record PartitionResult(
        RoutingStatistics statistics,
        ExpertSimilarity similarity,
        List<RoutingTrace> traces,
        long tokens,
        long sequences)
        implements Serializable {

    private static final Comparator<RoutingTrace> TRACE_ORDER = Comparator.comparingLong(RoutingTrace::docId)
            .thenComparingInt(RoutingTrace::position)
            .thenComparingInt(RoutingTrace::layer);

    public PartitionResult {
        traces = sorted(traces);
    }

    public PartitionResult merge(PartitionResult other) {
        RoutingStatistics mergedStatistics = statistics.merge(other.statistics);
        ExpertSimilarity mergedSimilarity = similarity == null ? null : similarity.merge(other.similarity);
        List<RoutingTrace> mergedTraces = new ArrayList<>(traces);
        mergedTraces.addAll(other.traces);
        return new PartitionResult(
                mergedStatistics, mergedSimilarity, mergedTraces, tokens + other.tokens, sequences + other.sequences);
    }

    private static List<RoutingTrace> sorted(List<RoutingTrace> traces) {
        List<RoutingTrace> out = new ArrayList<>(traces);
        out.sort(TRACE_ORDER);
        return List.copyOf(out);
    }
}
