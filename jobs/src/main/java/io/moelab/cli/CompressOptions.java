package io.moelab.cli;

import io.moelab.compress.pipeline.ExportForm;
import io.moelab.compress.method.MethodSettings;
import io.moelab.compress.pipeline.ModelCompressor;
import io.moelab.jobs.compress.CompressionConfig;
import io.moelab.jobs.compress.MllibClustering;
import io.moelab.jobs.data.DatasetOptions;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options {@code compress} and {@code compress-report} share (a picocli mixin). */
final class CompressOptions {
    @Option(names = "--model", description = "Model directory, local or s3a:// (default: the bundled models/trained-moe).")
    String model;

    @Option(names = "--stats", description = "routing_stats run id whose selection counts drive the method (default: count on the calibration data).")
    String statsRun;

    @Option(names = "--stats-label", description = "Per-task variant: use the counts of this label from the run's expert_labels.")
    String statsLabel;

    @Option(names = "--target-experts", defaultValue = "4", description = "Experts per MoE layer after compression (default: ${DEFAULT-VALUE}).")
    int targetExperts;

    @Option(names = "--inputs", defaultValue = "LAYER_WISE",
            description = "Calibration inputs: LAYER_WISE (from the original model) or PROGRESSIVE (from the model with earlier layers compressed). Default: ${DEFAULT-VALUE}.")
    ModelCompressor.Inputs inputs;

    @Option(names = "--form", defaultValue = "SMALLER_ROUTER",
            description = "SMALLER_ROUTER (standard HF checkpoint) or EXACT_ROUTER (router kept whole, expert map in config.json). Default: ${DEFAULT-VALUE}.")
    ExportForm form;

    @Option(names = "--calibration", split = ",", description = "Calibration dataset file(s)/folder(s) (default: the bundled datasets/calibration-mix).")
    List<String> calibration;

    @Option(names = "--calibration-format", defaultValue = "AUTO", description = "AUTO, PARQUET, JSONL or TEXT (default: ${DEFAULT-VALUE}).")
    DatasetOptions.Format calibrationFormat;

    @Option(names = "--text-column", defaultValue = DatasetOptions.DEFAULT_TEXT_COLUMN, description = "Column with the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--calibration-sequences", defaultValue = "64", description = "Calibration sequences, the first of the seed's order (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(names = "--sequence-length", defaultValue = "128", description = "Tokens per calibration sequence, BOS included (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(names = "--seed", defaultValue = "0", description = "Document order, random pruning, K-means (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--naee-batch-tokens", defaultValue = "128", description = "NAEE: tokens per batch of the summed reconstruction error (default: ${DEFAULT-VALUE}).")
    int naeeBatchTokens;

    @Option(names = "--rank", defaultValue = "0", description = "MC-SMoE / Sub-MoE rank (default: the method's own).")
    int rank;

    @Option(names = "--sparse-share", defaultValue = "0.05", description = "MC-SMoE: share of entries in the sparse residual (default: ${DEFAULT-VALUE}).")
    double sparseShare;

    @Option(names = "--average-bits", defaultValue = "3.0", description = "Mixed precision: average bits per expert weight (default: ${DEFAULT-VALUE}).")
    double averageBits;

    @Option(names = "--dtype", description = "Output dtype: float32, float16 or bfloat16 (default: the source's).")
    String dtype;

    @Option(names = "--max-shard-bytes", defaultValue = "5000000000", description = "Shard the safetensors past this size, as save_pretrained's 5GB (default: ${DEFAULT-VALUE}).")
    long maxShardBytes;

    @Option(names = "--warehouse", defaultValue = BundledDefaults.WAREHOUSE, description = "Warehouse root, local or s3a:// (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    CompressionConfig config(String method, String output, String runId) {
        boolean bundled = calibration == null;
        DatasetOptions data = DatasetOptions.builder(bundled
                        ? new String[] {BundledDefaults.calibrationData()} : calibration.toArray(String[]::new))
                .format(calibrationFormat).textColumn(textColumn).seed(seed)
                .idColumn(bundled ? "id" : null)
                .maxTokens((long) sequences * sequenceLength)
                .build();
        return new CompressionConfig(BundledDefaults.model(model), statsRun,
                statsLabel, method, new MethodSettings(seed, naeeBatchTokens, rank, sparseShare, averageBits,
                        new MllibClustering()),
                targetExperts, inputs, form, data, sequences, sequenceLength, dtype, output, maxShardBytes, warehouse, runId);
    }
}
