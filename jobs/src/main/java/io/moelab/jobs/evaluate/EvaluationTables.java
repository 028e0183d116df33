package io.moelab.jobs.evaluate;

import io.moelab.eval.metrics.ExampleOutcome;
import io.moelab.eval.metrics.MetricValue;
import io.moelab.jobs.warehouse.TableSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** The rows of {@code benchmark_scores} and {@code eval_examples} for a run, in the registry's column order. */
final class EvaluationTables {
    private EvaluationTables() {}

    static Map<String, Dataset<Row>> of(SparkSession spark, String runId, EvaluationResults results) {
        List<Row> scores = new ArrayList<>();
        List<Row> examples = new ArrayList<>();
        for (CellScore cell : results.cells()) {
            String dataset =
                    String.join(",", cell.task().data().paths(cell.task().evalSplit()));
            for (MetricValue m : cell.metrics()) {
                scores.add(RowFactory.create(
                        runId,
                        cell.model().name(),
                        cell.policy(),
                        cell.task().name(),
                        dataset,
                        m.metric(),
                        m.filter(),
                        finite(m.value()),
                        finite(m.stderr()),
                        m.n(),
                        finite(cell.counters().meanExpertsPerToken()),
                        finite(cell.tokensPerSecond())));
            }
            for (ExampleOutcome e : cell.examples()) {
                examples.add(RowFactory.create(
                        runId,
                        cell.model().name(),
                        cell.policy(),
                        cell.task().name(),
                        e.documentId(),
                        e.prediction(),
                        e.target(),
                        e.correct(),
                        boxed(e.loglikelihoods())));
            }
        }
        Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
        tables.put(
                TableSchemas.BENCHMARK_SCORES,
                spark.createDataFrame(
                        scores, TableSchemas.get(TableSchemas.BENCHMARK_SCORES).schema()));
        tables.put(
                TableSchemas.EVAL_EXAMPLES,
                spark.createDataFrame(
                        examples, TableSchemas.get(TableSchemas.EVAL_EXAMPLES).schema()));
        return tables;
    }

    /** NaN (a statistic that does not exist, e.g. the stderr of one document) is null in the table. */
    private static Double finite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static Double[] boxed(double[] values) {
        if (values == null) {
            return null;
        }
        Double[] out = new Double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
