package io.moelab.jobs.calibrate;

import io.moelab.data.CalibrationSequence;
import io.moelab.jobs.executor.GpuBinding;
import io.moelab.jobs.executor.ModelCache;
import io.moelab.jobs.executor.ModelCache.ModelKey;
import io.moelab.jobs.executor.ModelStager;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.stats.RoutingStatsCollector;
import io.moelab.stats.StatsOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * What each Spark task runs: binds its GPU if it has one, takes the executor's cached model, and
 * runs its batches through it with a statistics collector, returning one {@link PartitionResult}.
 * Each batch arrives whole (grouped by {@code sequenceId / batchSize}) and is ordered by sequence
 * id, so every forward call sees the same sequences together however the data was partitioned.
 */
final class CalibrationWorker
        implements FlatMapFunction<Iterator<Tuple2<Long, Iterable<CalibrationSequence>>>, PartitionResult> {
    private final String modelUri;
    private final SerializableConfiguration hadoop;
    private final StatsOptions options;

    CalibrationWorker(String modelUri, SerializableConfiguration hadoop, StatsOptions options) {
        this.modelUri = modelUri;
        this.hadoop = hadoop;
        this.options = options;
    }

    @Override
    public Iterator<PartitionResult> call(Iterator<Tuple2<Long, Iterable<CalibrationSequence>>> batches) {
        OptionalInt device = GpuBinding.bindCurrentTask();
        Path local = ModelStager.executor().localDirectory(modelUri, hadoop.value());
        MoeModel model =
                ModelCache.executor().get(new ModelKey(modelUri, "float32", GpuBinding.deviceName(device)), local);
        RoutingStatsCollector collector = new RoutingStatsCollector(model, options);
        long tokens = 0;
        long sequences = 0;
        while (batches.hasNext()) {
            List<CalibrationSequence> batch = new ArrayList<>();
            batches.next()._2().forEach(batch::add);
            batch.sort(Comparator.comparingLong(CalibrationSequence::sequenceId));
            int[][] ids = new int[batch.size()][];
            long[] sequenceIds = new long[batch.size()];
            String[] labels = new String[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                ids[i] = batch.get(i).tokens();
                sequenceIds[i] = batch.get(i).sequenceId();
                labels[i] = batch.get(i).label();
                tokens += ids[i].length;
            }
            sequences += batch.size();
            collector.collect(TokenBatch.of(ids), sequenceIds, options.labels() ? labels : null);
        }
        return List.of(new PartitionResult(
                        collector.statistics(), collector.similarity(), collector.traces(), tokens, sequences))
                .iterator();
    }
}
