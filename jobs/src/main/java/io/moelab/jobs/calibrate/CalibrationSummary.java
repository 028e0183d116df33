package io.moelab.jobs.calibrate;

import io.moelab.model.MoeModel;
import io.moelab.stats.ExpertLoad;
import io.moelab.stats.LayerSummaryRow;
import io.moelab.stats.StatisticsReport;
import io.moelab.stats.SuperExpert;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** What a finished run prints: per layer entropy, load CV, dead experts and top experts, then the super experts. */
public record CalibrationSummary(String runId, String warehouse, PartitionResult result, MoeModel model) {

    public void print(PrintWriter out) {
        StatisticsReport report = StatisticsReport.of(result.statistics());
        out.printf(
                Locale.ROOT,
                "run %s: %,d sequences, %,d tokens -> %s%n",
                runId,
                result.sequences(),
                result.tokens(),
                warehouse);
        out.printf(
                Locale.ROOT,
                "%5s %9s %7s %7s %5s  %s%n",
                "layer",
                "entropy",
                "load_cv",
                "max/avg",
                "dead",
                "top experts (share of selections)");
        List<LayerSummaryRow> layers = report.layerSummary();
        for (int m = 0; m < layers.size(); m++) {
            LayerSummaryRow layer = layers.get(m);
            out.printf(
                    Locale.ROOT,
                    "%5d %9.4f %7.4f %7.3f %5d  %s%n",
                    layer.layer(),
                    layer.meanEntropy(),
                    layer.loadCv(),
                    layer.maxOverMean(),
                    layer.deadExperts(),
                    topExperts(m));
        }
        if (result.statistics().outputMaxima() != null) {
            List<SuperExpert> supers = report.superExperts();
            out.println(
                    supers.isEmpty()
                            ? "super experts: none above " + StatisticsReport.DEFAULT_SUPER_EXPERT_MULTIPLE
                                    + "x the layer's median max |output|"
                            : "super experts:");
            for (SuperExpert s : supers) {
                out.printf(
                        Locale.ROOT,
                        "  layer %d expert %d: max |output| %.3f at dim %d (%.1fx the layer median)%n",
                        s.layer(),
                        s.expert(),
                        s.maxAbsOutput(),
                        s.maxAbsDim(),
                        s.ratio());
            }
        }
        out.flush();
    }

    private String topExperts(int moeLayer) {
        ExpertLoad load = result.statistics().load();
        long total = load.selections(moeLayer);
        return IntStream.range(0, result.statistics().grid().numExperts())
                .boxed()
                .sorted(Comparator.comparingLong((Integer e) -> -load.selected(moeLayer, e))
                        .thenComparingInt(e -> e))
                .limit(3)
                .map(e -> String.format(
                        Locale.ROOT, "%d (%.1f%%)", e, 100.0 * load.selected(moeLayer, e) / Math.max(1, total)))
                .collect(Collectors.joining(", "));
    }
}
