package io.moelab.jobs.merge;

/**
 * Everything a merge-models run depends on besides the merge YAML itself (whose effective form the
 * job adds to the run's {@code runs.config}).
 *
 * @param configFile    the mergekit-style YAML ({@link io.moelab.merge.MergeConfig}): a local path or
 *                      a Hadoop file system URI ({@code s3a://...})
 * @param output        the new checkpoint directory, not existing yet: a local path on a file system
 *                      every executor sees, or a Hadoop file system URI ({@code s3a://bucket/prefix})
 * @param maxShardBytes a safetensors shard holds at most this many bytes (a larger tensor gets a shard
 *                      of its own); one Spark task writes one shard, assembling it in memory
 */
public record MergeModelsConfig(String configFile, String output, long maxShardBytes, String warehouse, String runId) {
    /**
     * 2 GB: below transformers' 5 GB {@code max_shard_size} default because a task holds its whole
     * shard in memory before writing it, next to the tensor being merged.
     */
    public static final long DEFAULT_MAX_SHARD_BYTES = 2_000_000_000L;
}
