package io.moelab.jobs.evaluate;

import java.util.List;

/**
 * Everything an evaluation run depends on; its JSON form is the run's {@code runs.config}.
 *
 * @param models         model variants; every (variant, policy, task) cell is evaluated
 * @param tasks          task YAML files (or folders of them)
 * @param policies       routing policy specs ({@code native}, {@code topk:k=1}, ...)
 * @param dataDir        where relative data paths of task files resolve (null: the task file's folder)
 * @param limit          documents per task, the first of the seed's order (Long.MAX_VALUE: all)
 * @param maxBatchTokens tokens per forward call when batching log-likelihood requests
 * @param groupSize      documents per engine call ({@link EvalGroup}): what may be batched together
 * @param addBos         read every request after the model's BOS token
 * @param partitions     Spark partitions for the scoring (0 = Spark's default parallelism)
 * @param seed           document sampling, few-shot draws and bootstrap resampling
 */
public record EvaluationConfig(
        List<ModelVariant> models,
        List<String> tasks,
        List<String> policies,
        String dataDir,
        long limit,
        int maxBatchTokens,
        int groupSize,
        boolean addBos,
        int partitions,
        long seed,
        String warehouse,
        String runId) {
    public EvaluationConfig {
        models = List.copyOf(models);
        tasks = List.copyOf(tasks);
        policies = List.copyOf(policies);
    }
}
