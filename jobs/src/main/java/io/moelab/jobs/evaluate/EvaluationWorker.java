package io.moelab.jobs.evaluate;

import io.moelab.eval.EngineOptions;
import io.moelab.eval.EvaluationEngine;
import io.moelab.eval.task.TaskDefinition;
import io.moelab.eval.task.TaskInstance;
import io.moelab.jobs.executor.GpuBinding;
import io.moelab.jobs.executor.ModelCache;
import io.moelab.jobs.executor.ModelCache.ModelKey;
import io.moelab.jobs.executor.ModelStager;
import io.moelab.model.MoeModel;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.model.tokenizer.Tokenizers;
import io.moelab.routing.policy.EvalPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * What each Spark task runs: its {@link EvalGroup}s through every (model variant, policy) pair with the
 * executor's cached models, one engine call per group with the group's documents in id order, so what is
 * batched together never depends on the partitioning or on arrival order.
 */
final class EvaluationWorker
        implements FlatMapFunction<Iterator<Tuple2<EvalGroup, Iterable<TaskInstance>>>, CellOutput> {
    private final List<ModelVariant> models;
    private final List<EvalPolicy> policies;
    private final List<TaskDefinition> tasks;
    private final EngineOptions options;
    private final SerializableConfiguration hadoop;

    EvaluationWorker(
            List<ModelVariant> models,
            List<EvalPolicy> policies,
            List<TaskDefinition> tasks,
            EngineOptions options,
            SerializableConfiguration hadoop) {
        this.models = models;
        this.policies = policies;
        this.tasks = tasks;
        this.options = options;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<CellOutput> call(Iterator<Tuple2<EvalGroup, Iterable<TaskInstance>>> groups) {
        Map<EvalGroup, List<TaskInstance>> byGroup = new TreeMap<>();
        groups.forEachRemaining(group -> {
            List<TaskInstance> instances = new ArrayList<>();
            group._2().forEach(instances::add);
            instances.sort(Comparator.comparing(TaskInstance::documentId));
            byGroup.put(group._1(), instances);
        });
        Map<CellKey, CellOutput> out = new TreeMap<>();
        if (byGroup.isEmpty()) {
            return out.values().iterator();
        }
        OptionalInt device = GpuBinding.bindCurrentTask();
        for (int m = 0; m < models.size(); m++) {
            Path local = ModelStager.executor().localDirectory(models.get(m).uri(), hadoop.value());
            MoeModel model = ModelCache.executor()
                    .get(new ModelKey(models.get(m).uri(), "float32", GpuBinding.deviceName(device)), local);
            try (Tokenizer tokenizer = Tokenizers.forModel(local, model.config().vocabSize())) {
                for (int p = 0; p < policies.size(); p++) {
                    for (Map.Entry<EvalGroup, List<TaskInstance>> group : byGroup.entrySet()) {
                        TaskDefinition task = tasks.get(group.getKey().task());
                        if (!EvaluationJob.applies(policies.get(p), task.outputType())) {
                            continue;
                        }
                        EvaluationEngine engine = new EvaluationEngine(
                                model, tokenizer, policies.get(p), options.withPairEncoding(task.pairEncoding()));
                        CellOutput scored = new CellOutput(
                                new CellKey(m, p, group.getKey().task()),
                                engine.evaluate(group.getValue()),
                                engine.counters());
                        out.merge(scored.cell(), scored, CellOutput::merge);
                    }
                }
            }
        }
        return out.values().iterator();
    }
}
