package io.moelab.jobs.evaluate;

import io.moelab.eval.EngineOptions;
import io.moelab.eval.EvaluationEngine;
import io.moelab.eval.task.OutputType;
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

/**
 * What each Spark task runs: its documents through every (model variant, policy) pair, task by task,
 * with the executor's cached models. Documents are taken in (task, id) order, so what a partition
 * batches together depends on its documents only, never on arrival order.
 */
final class EvaluationWorker implements FlatMapFunction<Iterator<EvalItem>, CellOutput> {
    private final List<ModelVariant> models;
    private final List<EvalPolicy> policies;
    private final List<OutputType> taskTypes;
    private final EngineOptions options;
    private final SerializableConfiguration hadoop;

    EvaluationWorker(List<ModelVariant> models, List<EvalPolicy> policies, List<OutputType> taskTypes,
            EngineOptions options, SerializableConfiguration hadoop) {
        this.models = models;
        this.policies = policies;
        this.taskTypes = taskTypes;
        this.options = options;
        this.hadoop = hadoop;
    }

    @Override
    public Iterator<CellOutput> call(Iterator<EvalItem> items) {
        Map<Integer, List<TaskInstance>> byTask = new TreeMap<>();
        List<EvalItem> all = new ArrayList<>();
        items.forEachRemaining(all::add);
        all.sort(Comparator.comparingInt(EvalItem::task).thenComparing(item -> item.instance().documentId()));
        for (EvalItem item : all) {
            byTask.computeIfAbsent(item.task(), t -> new ArrayList<>()).add(item.instance());
        }
        List<CellOutput> out = new ArrayList<>();
        if (byTask.isEmpty()) {
            return out.iterator();
        }
        OptionalInt device = GpuBinding.bindCurrentTask();
        for (int m = 0; m < models.size(); m++) {
            Path local = ModelStager.executor().localDirectory(models.get(m).uri(), hadoop.value());
            MoeModel model = ModelCache.executor().get(
                    new ModelKey(models.get(m).uri(), "float32", GpuBinding.deviceName(device)), local);
            try (Tokenizer tokenizer = Tokenizers.forModel(local, model.config().vocabSize())) {
                for (int p = 0; p < policies.size(); p++) {
                    for (Map.Entry<Integer, List<TaskInstance>> task : byTask.entrySet()) {
                        if (!EvaluationJob.applies(policies.get(p), taskTypes.get(task.getKey()))) {
                            continue;
                        }
                        EvaluationEngine engine = new EvaluationEngine(model, tokenizer, policies.get(p), options);
                        out.add(new CellOutput(new CellKey(m, p, task.getKey()), engine.evaluate(task.getValue()),
                                engine.counters()));
                    }
                }
            }
        }
        return out.iterator();
    }
}
