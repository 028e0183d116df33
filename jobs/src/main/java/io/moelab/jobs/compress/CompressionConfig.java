package io.moelab.jobs.compress;

import io.moelab.compress.pipeline.ExportForm;
import io.moelab.compress.method.MethodSettings;
import io.moelab.compress.pipeline.ModelCompressor;
import io.moelab.jobs.data.DatasetOptions;

/**
 * Everything a compression run depends on; its JSON form is the run's {@code runs.config}.
 *
 * @param statsRun        routing_stats run whose selection counts drive the method (null: count on the calibration data)
 * @param statsLabel      take the counts of this label from the run's expert_labels (per-task pruning); null for all tokens
 * @param calibration     calibration documents (for methods that need hidden states, and NAEE's β)
 * @param sequences       calibration sequences used, the first of the seed's order
 * @param sequenceLength  tokens per calibration sequence, BOS included
 * @param dtype           output dtype name (float32, float16, bfloat16); null keeps the source's
 * @param maxShardBytes   safetensors shard size past which the checkpoint is split
 */
public record CompressionConfig(
        String model,
        String statsRun,
        String statsLabel,
        String method,
        MethodSettings settings,
        int targetExperts,
        ModelCompressor.Inputs inputs,
        ExportForm form,
        DatasetOptions calibration,
        int sequences,
        int sequenceLength,
        String dtype,
        String output,
        long maxShardBytes,
        String warehouse,
        String runId) {

    /** The same run for another method, output and run id (the report compresses with each method in turn). */
    public CompressionConfig withMethod(String otherMethod, String otherOutput, String otherRunId) {
        return new CompressionConfig(model, statsRun, statsLabel, otherMethod, settings, targetExperts, inputs, form,
                calibration, sequences, sequenceLength, dtype, otherOutput, maxShardBytes, warehouse, otherRunId);
    }
}
