package io.moelab.cli;

import io.moelab.jobs.merge.MergeModelsConfig;
import io.moelab.jobs.merge.MergeModelsJob;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab merge-models}: merges fine-tuned checkpoints of one base (linear, task arithmetic,
 * TIES, DARE) as a mergekit-style YAML says, tensor by tensor on Spark, into a new checkpoint, and
 * writes the coefficients to {@code merge_plans}. Config, checkpoints and output may be local or on
 * s3a (Hadoop settings carry the credentials).
 */
@Command(
        name = "merge-models",
        mixinStandardHelpOptions = true,
        description = "Merge fine-tuned checkpoints of one base model (mergekit-style YAML) with Spark.")
public final class MergeModelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--config",
            required = true,
            description = "The merge YAML: merge_method, base_model, models, parameters, dtype; local or s3a://.")
    String config;

    @Option(
            names = "--output",
            required = true,
            description = "The new checkpoint directory, local or s3a://bucket/prefix; must not exist yet.")
    String output;

    @Option(
            names = "--max-shard-bytes",
            defaultValue = "" + MergeModelsConfig.DEFAULT_MAX_SHARD_BYTES,
            description =
                    "Largest safetensors shard; one Spark task builds one shard in memory (default: ${DEFAULT-VALUE}).")
    long maxShardBytes;

    @Option(
            names = "--warehouse",
            defaultValue = BundledDefaults.WAREHOUSE,
            description = "Warehouse root, local or s3a:// (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(
            names = "--run-id",
            description = "Run id; re-running an id replaces its partitions (default: merge-models-<time>).")
    String runId;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    @Override
    public Integer call() {
        String run = runId != null
                ? runId
                : "merge-models-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        MergeModelsConfig job = new MergeModelsConfig(config, output, maxShardBytes, warehouse, run);
        SparkSession spark = SparkSessions.forCommand("moelab merge-models " + run, master);
        try {
            new MergeModelsJob(spark).run(job).print(spec.commandLine().getOut());
        } finally {
            spark.stop();
        }
        return 0;
    }
}
