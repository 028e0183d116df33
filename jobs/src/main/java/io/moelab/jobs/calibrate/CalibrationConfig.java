package io.moelab.jobs.calibrate;

import io.moelab.data.SequencingOptions;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.stats.StatsOptions;

/**
 * Everything a calibration run depends on; its JSON form is the {@code config} of the run's
 * {@code runs} row (secrets redacted), so a run can be reproduced from its row.
 *
 * @param model          model directory, local or any Hadoop filesystem URI ({@code s3a://...})
 * @param sequencing     PACK (fixed blocks) or WHOLE (documents up to the length)
 * @param sequenceLength L, tokens per sequence including BOS
 * @param batchSize      sequences per forward call; batches are formed from sequence ids, so results do not depend on partitioning
 * @param partitions     Spark partitions for the forward passes (0 = Spark's default parallelism)
 */
public record CalibrationConfig(
        String model,
        DatasetOptions dataset,
        SequencingOptions.Mode sequencing,
        int sequenceLength,
        int batchSize,
        int partitions,
        StatsOptions stats,
        String warehouse,
        String runId) {}
