package io.moelab.jobs.merge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.merge.MergeCompatibility;
import io.moelab.merge.MergeConfig;
import io.moelab.merge.MergeModel;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The merge-models job. The driver reads the merge YAML, checks the checkpoints' architectures and
 * tensor headers ({@link MergeCompatibility}) and plans the output shards by size
 * ({@link OutputShard#plan}); one Spark task per shard then merges that shard's tensors and writes
 * its safetensors file ({@link ShardWriter}), so a task holds no more than its shard and the
 * tensor being merged, whatever the size of the checkpoints. The driver adds the index, the base's config.json and tokenizer files and
 * a model card, renames the staged directory to {@code --output}, and commits {@code merge_plans}
 * and the {@code runs} row. Bad input fails before anything is written; a failure later leaves
 * nothing at the output path and the warehouse unchanged.
 *
 * <p>Checkpoints and output are local paths: on a cluster they must lie on a file system every
 * executor mounts (the tasks memory-map the inputs and write the shards in place).
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
        MergeConfig merge = MergeConfig.load(Path.of(job.configFile()));
        Path output = StagedCheckpoint.checkOutput(job.output());
        Warehouse warehouse = Warehouse.open(spark, job.warehouse());
        try (RunCommit commit = warehouse.begin(job.runId())) {
            List<TensorInfo> tensors = MergeCompatibility.check(merge);
            List<OutputShard> shards = OutputShard.plan(tensors, merge.dtype(), job.maxShardBytes());
            StagedCheckpoint checkpoint = StagedCheckpoint.create(output, job.runId());
            try {
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(shards, shards.size())
                        .foreach(new ShardWriter(merge, checkpoint.staging().toString()));
                if (shards.size() > 1) {
                    checkpoint.writeIndex(shards);
                }
                checkpoint.copyModelFiles(merge);
                checkpoint.writeModelCard(
                        ModelCard.of(merge, output.getFileName().toString(), job.runId()));
                checkpoint.publish();
            } catch (IOException e) {
                throw new UncheckedIOException("writing the merged checkpoint " + output, e);
            } finally {
                checkpoint.discard();
            }
            Map<String, Object> runConfig = new LinkedHashMap<>();
            runConfig.put("job", job);
            runConfig.put("merge", merge.effective());
            try {
                commit.stage(TableSchemas.MERGE_PLANS, planRows(job.runId(), merge));
                commit.commit(RunRecord.builder(job.runId(), JOB_NAME)
                        .configOf(runConfig)
                        .modelRef(output.toString())
                        .startedAt(started)
                        .finishedAt(Instant.now())
                        .status(RunRecord.SUCCEEDED)
                        .sparkApplicationId(spark.sparkContext().applicationId())
                        .build());
            } catch (RuntimeException e) {
                ModelDirectory.deleteTree(output); // a checkpoint without its run would have no lineage
                throw e;
            }
            return new MergeSummary(
                    job.runId(),
                    warehouse.root().toString(),
                    output.toString(),
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
