package io.moelab.jobs.evaluate;

import io.moelab.eval.metrics.MetricValue;
import io.moelab.eval.metrics.TaskMetrics;
import io.moelab.eval.task.TaskDefinition;
import io.moelab.routing.policy.EvalPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Every cell's metrics, computed on the driver from the merged per-document results. */
record EvaluationResults(EvaluationConfig config, List<CellScore> cells) {

    static EvaluationResults of(
            EvaluationConfig config,
            List<TaskDefinition> tasks,
            List<EvalPolicy> policies,
            Map<CellKey, CellOutput> outputs) {
        List<CellScore> cells = new ArrayList<>();
        outputs.forEach((key, output) -> {
            TaskDefinition task = tasks.get(key.task());
            List<MetricValue> metrics = TaskMetrics.compute(task.outputType(), output.results(), config.seed()).stream()
                    .filter(m -> task.metrics().contains(m.metric()))
                    .toList();
            cells.add(new CellScore(
                    config.models().get(key.model()),
                    policies.get(key.policy()).spec(),
                    task,
                    metrics,
                    TaskMetrics.examples(task.outputType(), output.results()),
                    output.counters()));
        });
        return new EvaluationResults(config, List.copyOf(cells));
    }

    long tokens() {
        return cells.stream().mapToLong(c -> c.counters().tokensForwarded()).sum();
    }
}
