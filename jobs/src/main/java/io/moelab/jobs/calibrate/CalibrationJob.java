package io.moelab.jobs.calibrate;

import io.moelab.MoelabInputException;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.SequencingOptions;
import io.moelab.jobs.data.DatasetSource;
import io.moelab.jobs.data.SerializableTokenizerFactory;
import io.moelab.jobs.executor.ModelCache;
import io.moelab.jobs.executor.ModelCache.ModelKey;
import io.moelab.jobs.executor.ModelStager;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.model.MoeModel;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.model.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * The calibration job: shards a dataset, runs the model on every partition, merges the exact
 * routing statistics and commits them as one run of the warehouse tables. Everything is computed
 * before anything is written; the commit makes the run's partitions visible together, and a
 * failure anywhere leaves the warehouse as it was.
 */
public final class CalibrationJob {
    public static final String JOB_NAME = "calibrate";
    private final SparkSession spark;

    public CalibrationJob(SparkSession spark) {
        this.spark = spark;
    }

    public CalibrationSummary run(CalibrationConfig config) {
        Instant started = Instant.now();
        if (config.batchSize() < 1 || config.sequenceLength() < 2) {
            throw new MoelabInputException("--batch-size must be >= 1 and --sequence-length >= 2, got "
                    + config.batchSize() + " and " + config.sequenceLength());
        }
        Warehouse warehouse = Warehouse.open(spark, config.warehouse());
        SerializableConfiguration hadoop =
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        Path localModel = ModelStager.executor().localDirectory(config.model(), hadoop.value());
        MoeModel model = ModelCache.executor().get(new ModelKey(config.model(), "float32", "cpu"), localModel);
        int vocab = model.config().vocabSize();
        SequencingOptions sequencing;
        try (Tokenizer tokenizer = Tokenizers.forModel(localModel, vocab)) {
            sequencing =
                    SequencingOptions.forModel(config.sequencing(), config.sequenceLength(), tokenizer, model.config());
        }
        JavaRDD<CalibrationSequence> sequences = new DatasetSource(spark, config.dataset())
                .sequences(executorTokenizer(config.model(), hadoop, vocab), vocab, sequencing);
        int partitions = config.partitions() > 0
                ? config.partitions()
                : spark.sparkContext().defaultParallelism();
        PartitionResult result = routeAll(
                sequences,
                config.batchSize(),
                partitions,
                new CalibrationWorker(config.model(), hadoop, config.stats()));
        if (result.sequences() == 0) {
            throw new MoelabInputException("dataset "
                    + String.join(",", config.dataset().paths()) + " gave no sequence of "
                    + config.sequenceLength() + " tokens (" + config.sequencing() + " mode drops incomplete blocks): "
                    + "use more documents or a shorter --sequence-length");
        }
        try (RunCommit commit = warehouse.begin(config.runId())) {
            CalibrationTables.of(spark, config.runId(), result, model).forEach(commit::stage);
            commit.commit(RunRecord.builder(config.runId(), JOB_NAME)
                    .configOf(config)
                    .modelRef(config.model())
                    .datasetRef(String.join(",", config.dataset().paths()))
                    .startedAt(started)
                    .finishedAt(Instant.now())
                    .status(RunRecord.SUCCEEDED)
                    .sparkApplicationId(spark.sparkContext().applicationId())
                    .tokensProcessed(result.tokens())
                    .build());
        }
        return new CalibrationSummary(config.runId(), warehouse.root().toString(), result, model);
    }

    /**
     * Groups the sequences into batches by id ({@code sequenceId / batchSize}), runs the worker on
     * every partition and merges the partition results. A retried task's failed attempt
     * contributes nothing: Spark keeps only the result of the attempt that succeeded.
     */
    static PartitionResult routeAll(
            JavaRDD<CalibrationSequence> sequences,
            int batchSize,
            int partitions,
            FlatMapFunction<Iterator<Tuple2<Long, Iterable<CalibrationSequence>>>, PartitionResult> worker) {
        long size = batchSize;
        return sequences
                .keyBy(sequence -> sequence.sequenceId() / size)
                .groupByKey(partitions)
                .mapPartitions(worker)
                .reduce(PartitionResult::merge);
    }

    /** Executors make their own tokenizer from their staged copy of the model. */
    private static SerializableTokenizerFactory executorTokenizer(
            String modelUri, SerializableConfiguration hadoop, int vocab) {
        return () -> Tokenizers.forModel(ModelStager.executor().localDirectory(modelUri, hadoop.value()), vocab);
    }
}
