package io.moelab.jobs.compress;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.jobs.evaluate.EvaluationConfig;
import io.moelab.jobs.evaluate.EvaluationJob;
import io.moelab.jobs.evaluate.ModelVariant;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code moelab compress-report}: compresses one model with each method in turn (each a
 * {@code compress} run of its own, {@code <run>-<method>}), evaluates the original and every
 * compressed checkpoint as written on the bits-per-byte tasks in one {@code evaluate} run
 * ({@code <run>-eval}), and commits {@code compression_report}: bits per byte per domain per
 * method next to the original's. Evaluating the written checkpoints, not in-memory models, is what
 * makes the numbers about what users load.
 */
public final class CompressionReportJob {
    public static final String JOB_NAME = "compress-report";
    static final String BITS_PER_BYTE = "bits_per_byte";
    private static final String ORIGINAL = "original";
    private final SparkSession spark;
    private final CompressionMethodRegistry methods;

    /** A report whose methods are built from {@code methods}. */
    public CompressionReportJob(SparkSession spark, CompressionMethodRegistry methods) {
        this.spark = spark;
        this.methods = methods;
    }

    /**
     * @param compression the settings every method shares (its method and output are replaced)
     * @param tasks       bits-per-byte task files; the domain is the task name without {@code bpb-}
     * @param limit       documents per task (Long.MAX_VALUE: all)
     */
    public record ReportConfig(
            CompressionConfig compression,
            List<String> methods,
            String outputRoot,
            List<String> tasks,
            long limit,
            String runId) {}

    public List<Row> run(ReportConfig config) {
        Instant started = Instant.now();
        CompressionConfig base = config.compression();
        List<ModelVariant> variants = new ArrayList<>(List.of(new ModelVariant(ORIGINAL, base.model())));
        Map<String, CompressionJob.Summary> compressed = new HashMap<>();
        for (String method : config.methods()) {
            String output = Path.of(config.outputRoot(), method).toString();
            compressed.put(
                    method,
                    new CompressionJob(spark, methods)
                            .run(base.withMethod(method, output, config.runId() + "-" + method)));
            variants.add(new ModelVariant(method, output));
        }
        String evaluationRun = config.runId() + "-eval";
        new EvaluationJob(spark)
                .run(new EvaluationConfig(
                        variants,
                        config.tasks(),
                        List.of("native"),
                        null,
                        config.limit(),
                        4096,
                        64,
                        true,
                        0,
                        base.calibration().seed(),
                        base.warehouse(),
                        evaluationRun));

        Warehouse warehouse = Warehouse.open(spark, base.warehouse());
        List<Row> scores = warehouse
                .readSucceeded(TableSchemas.BENCHMARK_SCORES)
                .where(col(TableSchemas.RUN_ID)
                        .equalTo(lit(evaluationRun))
                        .and(col("metric").equalTo(lit(BITS_PER_BYTE))))
                .select("model_variant", "task", "value", "n")
                .collectAsList();
        Map<String, Double> original = new HashMap<>();
        scores.stream()
                .filter(r -> r.getString(0).equals(ORIGINAL))
                .forEach(r -> original.put(r.getString(1), r.getDouble(2)));
        List<Row> report = new ArrayList<>();
        for (Row score : scores) {
            String variant = score.getString(0);
            if (variant.equals(ORIGINAL)) {
                continue;
            }
            CompressionJob.Summary summary = compressed.get(variant);
            report.add(RowFactory.create(
                    config.runId(),
                    variant,
                    summary.expertsPerLayer(),
                    summary.averageExpertBits(),
                    domain(score.getString(1)),
                    score.getDouble(2),
                    original.get(score.getString(1)),
                    score.getLong(3),
                    summary.checkpoint().toString()));
        }
        report.sort(java.util.Comparator.comparing((Row r) -> r.getString(4)).thenComparing(r -> r.getString(1)));
        try (RunCommit commit = warehouse.begin(config.runId())) {
            commit.stage(
                    TableSchemas.COMPRESSION_REPORT,
                    spark.createDataFrame(
                            report,
                            TableSchemas.get(TableSchemas.COMPRESSION_REPORT).schema()));
            commit.commit(RunRecord.builder(config.runId(), JOB_NAME)
                    .configOf(config)
                    .modelRef(base.model())
                    .datasetRef(String.join(",", config.tasks()))
                    .startedAt(started)
                    .finishedAt(Instant.now())
                    .status(RunRecord.SUCCEEDED)
                    .sparkApplicationId(spark.sparkContext().applicationId())
                    .tokensProcessed(0L)
                    .build());
        }
        return report;
    }

    private static String domain(String task) {
        return task.startsWith("bpb-") ? task.substring(4) : task;
    }
}
