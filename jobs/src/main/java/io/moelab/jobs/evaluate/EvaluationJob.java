package io.moelab.jobs.evaluate;

import io.moelab.MoelabInputException;
import io.moelab.eval.EngineOptions;
import io.moelab.eval.task.OutputType;
import io.moelab.eval.task.TaskDefinition;
import io.moelab.eval.task.TaskDocument;
import io.moelab.eval.task.TaskInstance;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.jobs.data.TaskDocuments;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.policy.EvalPolicy;
import io.moelab.routing.policy.PolicySpecs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * The evaluation job: every (model variant, routing policy, task) cell in one Spark job. Task files,
 * policies and models are checked on the driver; the tasks' documents are read with Spark, turned into
 * requests on the executors (bad rows fail here, before any scoring), sharded by (task, document id),
 * and scored by {@link EvaluationWorker}. The per-document results come back to the driver, which
 * computes the metrics in document-id order, so the scores are identical for 1 or N partitions. Nothing is written until everything is computed: the tables commit
 * together, then each cell's lm-evaluation-harness {@code results.json} is written.
 */
public final class EvaluationJob {
    public static final String JOB_NAME = "evaluate";
    private final SparkSession spark;

    public EvaluationJob(SparkSession spark) {
        this.spark = spark;
    }

    public EvaluationSummary run(EvaluationConfig config) {
        Instant started = Instant.now();
        if (config.maxBatchTokens() < 1 || config.limit() < 1 || config.groupSize() < 1) {
            throw new MoelabInputException("--max-batch-tokens, --limit and --group-size must be at least 1, got "
                    + config.maxBatchTokens() + ", " + config.limit() + " and " + config.groupSize());
        }
        Warehouse warehouse = Warehouse.open(spark, config.warehouse());
        List<TaskDefinition> tasks = TaskFiles.load(config.tasks(), config.dataDir());
        List<EvalPolicy> policies =
                config.policies().stream().map(PolicySpecs::parse).toList();
        SerializableConfiguration hadoop =
                new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
        for (ModelVariant variant : config.models()) {
            MoeConfig model = configOf(variant, hadoop);
            for (EvalPolicy policy : policies) {
                try {
                    policy.validateFor(model);
                } catch (MoelabInputException e) {
                    throw new MoelabInputException(
                            "model " + variant.name() + " (" + variant.uri() + "): " + e.getMessage(), e);
                }
            }
        }
        requireSomeCell(policies, tasks);

        JavaPairRDD<EvalGroup, TaskInstance> instances = instances(tasks, config);
        int partitions = config.partitions() > 0
                ? config.partitions()
                : spark.sparkContext().defaultParallelism();
        EngineOptions engine = EngineOptions.defaults()
                .withMaxBatchTokens(config.maxBatchTokens())
                .withAddBos(config.addBos());
        Map<CellKey, CellOutput> cells = new TreeMap<>();
        for (CellOutput output : instances
                .groupByKey(partitions)
                .mapPartitions(new EvaluationWorker(config.models(), policies, tasks, engine, hadoop))
                .collect()) {
            cells.merge(output.cell(), output, CellOutput::merge);
        }
        EvaluationResults results = EvaluationResults.of(config, tasks, policies, cells);
        try (RunCommit commit = warehouse.begin(config.runId())) {
            EvaluationTables.of(spark, config.runId(), results).forEach(commit::stage);
            commit.commit(RunRecord.builder(config.runId(), JOB_NAME)
                    .configOf(config)
                    .modelRef(String.join(
                            ",", config.models().stream().map(ModelVariant::uri).toList()))
                    .datasetRef(String.join(
                            ",", tasks.stream().map(TaskDefinition::name).toList()))
                    .startedAt(started)
                    .finishedAt(Instant.now())
                    .status(RunRecord.SUCCEEDED)
                    .sparkApplicationId(spark.sparkContext().applicationId())
                    .tokensProcessed(results.tokens())
                    .build());
        }
        List<String> written =
                ResultsJson.writeAll(results, warehouse.root().toString(), config.runId(), hadoop.value());
        return new EvaluationSummary(config.runId(), warehouse.root().toString(), results, written);
    }

    /** SCMoE contrasts two decoders, so it scores generation only; other policies score every task. */
    static boolean applies(EvalPolicy policy, OutputType type) {
        return !(policy instanceof EvalPolicy.Contrastive) || type == OutputType.GENERATE_UNTIL;
    }

    private static void requireSomeCell(List<EvalPolicy> policies, List<TaskDefinition> tasks) {
        for (EvalPolicy policy : policies) {
            if (tasks.stream().noneMatch(t -> applies(policy, t.outputType()))) {
                throw new MoelabInputException("policy '" + policy.spec()
                        + "' is a decoding policy for generate_until tasks," + " and none of the tasks generates");
            }
        }
    }

    /**
     * The variant's config.json, read where it lies (any Hadoop file system): the driver only checks
     * policies against it, so it neither stages nor loads the weights.
     */
    private static MoeConfig configOf(ModelVariant variant, SerializableConfiguration hadoop) {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(variant.uri(), "config.json");
        try (java.io.InputStream in = file.getFileSystem(hadoop.value()).open(file)) {
            return MoeConfig.fromJson(
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), file.toString());
        } catch (java.io.IOException e) {
            throw new MoelabInputException(
                    "model " + variant.name() + ": cannot read " + file
                            + " (a Hugging Face model directory needs config.json): " + e.getMessage(),
                    e);
        }
    }

    /**
     * Every task's documents as requests in their {@link EvalGroup}s, built on the executors and
     * materialised so bad rows fail now, before any scoring.
     */
    private JavaPairRDD<EvalGroup, TaskInstance> instances(List<TaskDefinition> tasks, EvaluationConfig config) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<JavaPairRDD<EvalGroup, TaskInstance>> perTask = new ArrayList<>();
        long groupSize = config.groupSize();
        for (int t = 0; t < tasks.size(); t++) {
            TaskDefinition task = tasks.get(t);
            JavaRDD<TaskDocument> docs = documents(task, task.evalSplit(), config.limit(), config.seed());
            List<TaskDocument> pool =
                    task.numFewshot() > 0 && task.fewshotSplit().isPresent()
                            ? documents(task, task.fewshotSplit().get(), Long.MAX_VALUE, config.seed())
                                    .collect()
                            : List.of();
            Broadcast<TaskDefinition> definition = context.broadcast(task);
            Broadcast<List<TaskDocument>> shots = context.broadcast(pool);
            int index = t;
            perTask.add(docs.zipWithIndex()
                    .mapToPair(doc -> new Tuple2<>(
                            new EvalGroup(index, doc._2() / groupSize),
                            definition.value().instance(doc._1(), shots.value()))));
        }
        JavaPairRDD<EvalGroup, TaskInstance> all = perTask.get(0);
        for (int t = 1; t < perTask.size(); t++) {
            all = all.union(perTask.get(t));
        }
        JavaPairRDD<EvalGroup, TaskInstance> persisted = all.persist(StorageLevel.MEMORY_AND_DISK());
        persisted.count();
        return persisted;
    }

    private JavaRDD<TaskDocument> documents(TaskDefinition task, String split, long limit, long seed) {
        List<String> paths = task.data().paths(split);
        DatasetOptions options = DatasetOptions.builder(paths.toArray(String[]::new))
                .format(DatasetOptions.Format.valueOf(task.data().format().name()))
                .idColumn(task.idColumn().orElse(null))
                .maxDocuments(limit)
                .seed(seed)
                .build();
        try {
            return TaskDocuments.read(spark, options, task.requiredColumns());
        } catch (MoelabInputException e) {
            throw new MoelabInputException("task " + task.name() + " (split " + split + "): " + e.getMessage(), e);
        }
    }
}
