package io.moelab.cli;

import io.moelab.eval.EngineOptions;
import io.moelab.jobs.evaluate.EvaluationConfig;
import io.moelab.jobs.evaluate.EvaluationJob;
import io.moelab.jobs.evaluate.ModelVariant;
import io.moelab.routing.policy.PolicySpecs;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab evaluate}: benchmark tasks × model variants × routing policies into
 * {@code benchmark_scores} and {@code eval_examples}. With no arguments it evaluates the bundled model on
 * the bundled tasks with its native routing.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = "Score model variants under routing policies on benchmark tasks with Spark.")
public final class EvaluateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            split = ",",
            description =
                    "Model directories, local or s3a://, each PATH or NAME=PATH (default: the bundled models/trained-moe).")
    List<String> models;

    @Option(
            names = "--tasks",
            split = ",",
            description = "Task YAML files or folders of them (default: the bundled tasks/bundled).")
    List<String> tasks;

    @Option(
            names = "--policies",
            description =
                    "Routing policy specs, comma-separated, e.g. native,topk:k=1,topp:p=0.4,max=4 (default: ${DEFAULT-VALUE}).",
            defaultValue = "native")
    String policies;

    @Option(
            names = "--data-dir",
            description = "Where relative data paths in task files resolve (default: each task file's folder).")
    String dataDir;

    @Option(
            names = "--limit",
            defaultValue = "" + Long.MAX_VALUE,
            description = "Documents per task, a seeded sample (default: all).")
    long limit;

    @Option(
            names = "--max-batch-tokens",
            defaultValue = "" + EngineOptions.DEFAULT_MAX_BATCH_TOKENS,
            description = "Tokens per forward call when batching log-likelihood requests (default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(
            names = "--group-size",
            defaultValue = "64",
            description =
                    "Documents per engine call; requests are batched only within one (default: ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(
            names = "--add-bos",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Read every request after the model's BOS token (default: on; lm-eval's HF default is off).")
    boolean addBos;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Spark partitions for the scoring (default: Spark's parallelism).")
    int partitions;

    @Option(
            names = "--seed",
            defaultValue = "1234",
            description = "Document sampling, few-shot draws and bootstrap seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--warehouse",
            defaultValue = BundledDefaults.WAREHOUSE,
            description = "Warehouse root, local or s3a:// (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(
            names = "--run-id",
            description = "Run id; re-running an id replaces its partitions (default: evaluate-<time>).")
    String runId;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    @Override
    public Integer call() {
        List<ModelVariant> variants = (models != null ? models : List.of(BundledDefaults.model(null)))
                .stream().map(ModelVariant::parse).toList();
        List<String> specs =
                PolicySpecs.parseList(policies).stream().map(p -> p.spec()).toList();
        String run = runId != null
                ? runId
                : "evaluate-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        EvaluationConfig config = new EvaluationConfig(
                variants,
                tasks != null
                        ? tasks
                        : List.of(BundledDefaults.home()
                                .resolve(BundledDefaults.TASKS)
                                .toString()),
                specs,
                dataDir,
                limit,
                maxBatchTokens,
                groupSize,
                addBos,
                partitions,
                seed,
                warehouse,
                run);
        SparkSession spark = SparkSessions.forCommand("moelab evaluate " + run, master);
        try {
            new EvaluationJob(spark).run(config).print(spec.commandLine().getOut());
        } finally {
            spark.stop();
        }
        return 0;
    }
}
