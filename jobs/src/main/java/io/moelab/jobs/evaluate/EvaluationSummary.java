package io.moelab.jobs.evaluate;

import io.moelab.eval.metrics.MetricValue;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** What a finished run prints: one line per metric of every cell, then where the results went. */
public record EvaluationSummary(String runId, String warehouse, EvaluationResults results, List<String> resultFiles) {

    public void print(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "run %s: %d cells, %,d tokens -> %s%n",
                runId,
                results.cells().size(),
                results.tokens(),
                warehouse);
        out.printf(
                Locale.ROOT,
                "%-16s %-24s %-18s %-28s %10s %9s %6s %8s %9s%n",
                "model",
                "policy",
                "task",
                "metric",
                "value",
                "stderr",
                "n",
                "experts",
                "tok/s");
        for (CellScore cell : results.cells()) {
            for (MetricValue m : cell.metrics()) {
                out.printf(
                        Locale.ROOT,
                        "%-16s %-24s %-18s %-28s %10.4f %9.4f %6d %8.3f %9.0f%n",
                        cell.model().name(),
                        cell.policy(),
                        cell.task().name(),
                        m.metric() + "," + m.filter(),
                        m.value(),
                        m.stderr(),
                        m.n(),
                        cell.counters().meanExpertsPerToken(),
                        cell.tokensPerSecond());
            }
        }
        resultFiles.forEach(f -> out.println("results.json: " + f));
        out.flush();
    }
}
