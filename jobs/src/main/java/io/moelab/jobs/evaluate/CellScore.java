package io.moelab.jobs.evaluate;

import io.moelab.eval.EngineCounters;
import io.moelab.eval.metrics.ExampleOutcome;
import io.moelab.eval.metrics.MetricValue;
import io.moelab.eval.task.TaskDefinition;
import java.util.List;

/** The scores of one (model variant, policy, task) cell, with what it cost. */
record CellScore(
        ModelVariant model,
        String policy,
        TaskDefinition task,
        List<MetricValue> metrics,
        List<ExampleOutcome> examples,
        EngineCounters counters) {

    double tokensPerSecond() {
        return counters.tokensPerSecond();
    }
}
