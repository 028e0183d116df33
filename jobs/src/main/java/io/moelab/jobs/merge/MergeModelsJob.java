package io.moelab.jobs.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The merge-models job. The driver reads the merge YAML, checks the checkpoints' architectures and
 * tensor headers ({@link io.moelab.merge.MergeCompatibility}, through {@link HeaderMirror}) and
 * plans the output shards by size ({@link OutputShard#plan}); one Spark task per shard then merges
 * that shard's tensors and writes its safetensors file ({@link ShardWriter}), so a task holds no
 * more than its shard and the tensor being merged, whatever the size of the checkpoints. The
 * driver adds the index, the base's config.json and tokenizer files and a model card, moves the
 * staged directory to {@code --output} ({@link StagedCheckpoint}), and commits
 * {@code merge_plans} and the {@code runs} row. Bad input fails before anything is written; a
 * failure later leaves nothing at the output path and the warehouse unchanged.
 *
 * <p>The YAML, the checkpoints and the output are each a local path (on a cluster, on a file
 * system every executor mounts) or a Hadoop file system URI such as {@code s3a://bucket/prefix},
 * reached with the Spark session's Hadoop settings: the driver reads only the config, headers and
 * tokenizer of a remote checkpoint, each executor copies the checkpoints to its disk once, and
 * the shards are uploaded into a staging prefix that is renamed to the output at the end.
 */
public final class MergeModelsJob {
    public static final String JOB_NAME = "merge-models";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkSession spark;

    public MergeModelsJob(SparkSession spark) {
        this.spark = spark;
    }

    public MergeSummary run(MergeModelsConfig job) {
        Instant started = Instant.now();
        if (job.maxShardBytes() < 1) {
            throw new MoelabInputException("--max-shard-bytes must be at least 1, got " + job.maxShardBytes());
        }
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        MergeConfig merge = MergeConfigReader.read(job.configFile(), hadoop);
        StagedCheckpoint checkpoint = StagedCheckpoint.forOutput(job.output(), hadoop);
        Warehouse warehouse = Warehouse.open(spark, job.warehouse());
        try (RunCommit commit = warehouse.begin(job.runId());
                HeaderMirror headers = new HeaderMirror(hadoop)) {
            List<TensorInfo> tensors = headers.check(merge);
            List<OutputShard> shards = OutputShard.plan(tensors, merge.dtype(), job.maxShardBytes());
            // Checked (nothing written) before the output is published, which then needs only the commit.
            commit.stage(TableSchemas.MERGE_PLANS, planRows(job.runId(), merge));
            try {
                checkpoint.begin(job.runId());
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(shards, shards.size())
                        .foreach(new ShardWriter(merge, checkpoint.shardSink(), new SerializableConfiguration(hadoop)));
                if (shards.size() > 1) {
                    checkpoint.writeIndex(shards);
                }
                checkpoint.copyModelFiles(headers.localDirectory(merge.reference()), merge.dtype());
                checkpoint.writeModelCard(ModelCard.of(merge, checkpoint.name(), job.runId()));
                checkpoint.publish();
            } catch (IOException e) {
                throw new UncheckedIOException("writing the merged checkpoint " + checkpoint.output(), e);
            } finally {
                checkpoint.discard();
            }
            Map<String, Object> runConfig = new LinkedHashMap<>();
            runConfig.put("job", job);
            runConfig.put("merge", merge.effective());
            try {
                commit.commit(RunRecord.builder(job.runId(), JOB_NAME)
                        .configOf(runConfig)
                        .modelRef(checkpoint.output())
                        .startedAt(started)
                        .finishedAt(Instant.now())
                        .status(RunRecord.SUCCEEDED)
                        .sparkApplicationId(spark.sparkContext().applicationId())
                        .build());
            } catch (RuntimeException e) {
                checkpoint.unpublish(); // a checkpoint without its run would have no lineage
                throw e;
            }
            return new MergeSummary(
                    job.runId(),
                    warehouse.root().toString(),
                    checkpoint.output(),
                    merge,
                    tensors.size(),
                    shards.size(),
                    shards.stream()
                            .flatMap(s -> s.tensors().stream())
                            .mapToLong(OutputShard.Tensor::bytes)
                            .sum());
        }
    }

    /**
     * One {@code merge_plans} row per merged model: layer and target expert -1 (the whole model),
     * source expert its index in the config, coefficient its weight, and the method's settings with
     * the model's density (and DARE's drop probability p = 1 − density) as JSON.
     */
    private Dataset<Row> planRows(String runId, MergeConfig merge) {
        List<Row> rows = new ArrayList<>();
        for (MergeModel model : merge.models()) {
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("method", merge.method().yamlName());
            parameters.putAll(merge.methodParameters());
            if (merge.method().usesDensity()) {
                parameters.put("density", model.density());
            }
            if (merge.method().isRandom()) {
                parameters.put("p", 1 - model.density());
            }
            rows.add(RowFactory.create(
                    runId,
                    merge.method().yamlName(),
                    -1,
                    -1,
                    model.index(),
                    model.weight(),
                    model.path(),
                    null,
                    json(parameters)));
        }
        return spark.createDataFrame(
                rows, TableSchemas.get(TableSchemas.MERGE_PLANS).schema());
    }

    private static String json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
