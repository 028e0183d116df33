package io.moelab.jobs.calibrate;

import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.model.MoeModel;
import io.moelab.stats.AffinityRow;
import io.moelab.stats.CoactivationRow;
import io.moelab.stats.ExpertLabelRow;
import io.moelab.stats.ExpertSimilarityRow;
import io.moelab.stats.RoutingTrace;
import io.moelab.stats.StatisticsReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Turns a run's merged result into the rows of docs/DESIGN.md's tables, in the registry's column
 * order. A statistic that was not measured (switched off, or no token to measure it on) is NaN in
 * the engine and null in the table, so a reader never mistakes "not computed" for a number.
 */
final class CalibrationTables {
    private CalibrationTables() {}

    /** Every table this run writes, by name; tables whose statistic was switched off are left out. */
    static Map<String, Dataset<Row>> of(SparkSession spark, String runId, PartitionResult result, MoeModel model) {
        StatisticsReport report = StatisticsReport.of(result.statistics());
        Map<String, List<Row>> rows = new LinkedHashMap<>();
        rows.put(
                TableSchemas.ROUTING_STATS,
                map(
                        report.expertLoad(),
                        r -> RowFactory.create(
                                runId,
                                r.layer(),
                                r.expert(),
                                r.tokens(),
                                r.top1Tokens(),
                                measured(r.gateMass()),
                                measured(r.probMass()),
                                measured(r.frequency()),
                                measured(r.zeroActivationShare()),
                                measured(r.outputNormMean()),
                                measured(r.maxAbsOutput()),
                                r.maxAbsDim() >= 0 ? r.maxAbsDim() : null)));
        rows.put(
                TableSchemas.ROUTING_LAYER_STATS,
                map(
                        report.layerSummary(),
                        r -> RowFactory.create(
                                runId,
                                r.layer(),
                                r.tokens(),
                                measured(r.meanEntropy()),
                                measured(r.loadCv()),
                                measured(r.maxOverMean()),
                                (long) r.deadExperts(),
                                measured(r.meanExpertsPerToken()))));
        rows.put(
                TableSchemas.COACTIVATION,
                map(
                        report.coactivation(),
                        (CoactivationRow r) ->
                                RowFactory.create(runId, r.layer(), r.expertA(), r.expertB(), r.tokens())));
        rows.put(
                TableSchemas.LAYER_AFFINITY,
                map(
                        report.affinity(),
                        (AffinityRow r) ->
                                RowFactory.create(runId, r.layer(), r.expert(), r.nextExpert(), r.tokens())));
        if (result.statistics().labelCounts() != null) {
            rows.put(
                    TableSchemas.EXPERT_LABELS,
                    map(
                            report.expertLabels(),
                            (ExpertLabelRow r) -> RowFactory.create(
                                    runId, r.layer(), r.expert(), r.label(), r.tokens(), measured(r.npmi()))));
        }
        List<ExpertSimilarityRow> similarity =
                result.similarity() != null ? result.similarity().rows(model) : routerOnlySimilarity(model);
        rows.put(
                TableSchemas.EXPERT_SIMILARITY,
                map(
                        similarity,
                        r -> RowFactory.create(
                                runId,
                                r.layer(),
                                r.expertA(),
                                r.expertB(),
                                measured(r.outputCosine()),
                                measured(r.routerCosine()))));
        if (!result.traces().isEmpty()) {
            rows.put(
                    TableSchemas.ROUTING_TRACE,
                    map(
                            result.traces(),
                            (RoutingTrace r) -> RowFactory.create(
                                    runId, r.docId(), r.position(), r.layer(), boxed(r.experts()), boxed(r.gates()))));
        }
        Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        rows.forEach((table, list) -> tables.put(
                table, spark.createDataFrame(list, TableSchemas.get(table).schema())));
        return tables;
    }

    /** Router-row cosine needs no data: it is written even when output similarity was not sampled. */
    private static List<ExpertSimilarityRow> routerOnlySimilarity(MoeModel model) {
        List<ExpertSimilarityRow> rows = new ArrayList<>();
        int experts = model.config().experts().numExperts();
        for (int layer : model.config().layers().moeLayerIndices()) {
            double[][] cosine = io.moelab.stats.ExpertSimilarity.routerCosine(model.routerWeights(layer), experts);
            for (int a = 0; a < experts; a++) {
                for (int b = a + 1; b < experts; b++) {
                    rows.add(new ExpertSimilarityRow(layer, a, b, Double.NaN, cosine[a][b]));
                }
            }
        }
        return rows;
    }

    private static Double measured(double value) {
        return Double.isNaN(value) ? null : value;
    }

    private static Integer[] boxed(int[] values) {
        return IntStream.of(values).boxed().toArray(Integer[]::new);
    }

    private static Float[] boxed(float[] values) {
        Float[] out = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static <T> List<Row> map(List<T> source, java.util.function.Function<T, Row> toRow) {
        List<Row> out = new ArrayList<>(source.size());
        source.forEach(item -> out.add(toRow.apply(item)));
        return out;
    }
}
