package io.moelab.jobs.merge;

import io.moelab.jobs.executor.ModelStager;
import io.moelab.merge.CheckpointMerge;
import io.moelab.merge.MergeConfig;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.util.SerializableConfiguration;

/**
 * The executor's side: opens the checkpoints (memory-mapped; a remote one is first copied to this
 * executor's disk, once per executor, by {@link ModelStager}), merges the shard's tensors one by
 * one and hands the shard to the staging folder ({@link StagedCheckpoint.ShardSink}).
 */
final class ShardWriter implements VoidFunction<OutputShard> {
    private final MergeConfig config;
    private final StagedCheckpoint.ShardSink sink;
    private final SerializableConfiguration hadoop;

    ShardWriter(MergeConfig config, StagedCheckpoint.ShardSink sink, SerializableConfiguration hadoop) {
        this.config = config;
        this.sink = sink;
        this.hadoop = hadoop;
    }

    @Override
    public void call(OutputShard shard) throws Exception {
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        try (CheckpointMerge merge = CheckpointMerge.open(config, this::localDirectory)) {
            for (OutputShard.Tensor tensor : shard.tensors()) {
                writer.add(tensor.name(), tensor.dtype(), tensor.shape(), merge.tensor(tensor.name()));
            }
        }
        sink.put(shard.fileName(), writer, hadoop.value());
    }

    private Path localDirectory(String checkpoint) {
        return HadoopUris.isRemote(checkpoint)
                ? ModelStager.executor().localDirectory(checkpoint, hadoop.value())
                : HadoopUris.localPath(checkpoint);
    }
}
