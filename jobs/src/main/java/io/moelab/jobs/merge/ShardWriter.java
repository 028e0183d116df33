package io.moelab.jobs.merge;

import io.moelab.merge.CheckpointMerge;
import io.moelab.merge.MergeConfig;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction;

/**
 * The executor's side: opens the checkpoints (memory-mapped), merges the shard's tensors one by one
 * and writes the shard into the staging directory. The file appears atomically
 * ({@link SafetensorsWriter}), so a retried task simply writes it again.
 */
final class ShardWriter implements VoidFunction<OutputShard> {
    private final MergeConfig config;
    private final String stagingDir;

    ShardWriter(MergeConfig config, String stagingDir) {
        this.config = config;
        this.stagingDir = stagingDir;
    }

    @Override
    public void call(OutputShard shard) {
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        try (CheckpointMerge merge = CheckpointMerge.open(config)) {
            for (OutputShard.Tensor tensor : shard.tensors()) {
                writer.add(tensor.name(), tensor.dtype(), tensor.shape(), merge.tensor(tensor.name()));
            }
        }
        writer.write(Path.of(stagingDir, shard.fileName()));
    }
}
