package io.moelab.jobs.merge;

import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import java.io.PrintWriter;
import java.util.Locale;

/** What a finished run prints: the method, each model's coefficients, and what was written where. */
public record MergeSummary(
        String runId, String warehouse, String output, MergeConfig merge, int tensors, int shards, long bytes) {

    public void print(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "run %s: %s of %d model%s%s%n",
                runId,
                merge.method().yamlName(),
                merge.models().size(),
                merge.models().size() == 1 ? "" : "s",
                merge.baseModel() != null ? " onto base " + merge.baseModel() : "");
        for (MergeModel model : merge.models()) {
            out.printf(Locale.ROOT, "  [%d] %s %s%n", model.index(), model.path(), merge.modelParameters(model));
        }
        out.printf(Locale.ROOT, "  %s%n", merge.methodParameters());
        out.printf(
                Locale.ROOT,
                "%s: %,d tensors, %,d bytes in %d shard%s; merge_plans -> %s%n",
                output,
                tensors,
                bytes,
                shards,
                shards == 1 ? "" : "s",
                warehouse);
        out.flush();
    }
}
