package io.moelab.cli;

import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.compress.method.MethodContext;
import io.moelab.compress.method.ParameterValues;
import io.moelab.compress.pipeline.ExportForm;
import io.moelab.compress.pipeline.ModelCompressor;
import io.moelab.jobs.compress.CompressionConfig;
import io.moelab.jobs.compress.MllibClustering;
import io.moelab.jobs.data.DatasetOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options {@code compress} and {@code compress-report} share (a picocli mixin), and the
 * compression methods they offer; {@link CompressMethodOptions} adds the methods' own options to
 * the command, and {@link #config} reads them back from it.
 */
final class CompressOptions {
    private final CompressionMethodRegistry methods;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(
            names = "--model",
            description = "Model directory, local or s3a:// (default: the bundled models/trained-moe).")
    String model;

    @Option(
            names = "--stats",
            description =
                    "routing_stats run id whose selection counts drive the method (default: count on the calibration data).")
    String statsRun;

    @Option(
            names = "--stats-label",
            description = "Per-task variant: use the counts of this label from the run's expert_labels.")
    String statsLabel;

    @Option(
            names = "--target-experts",
            defaultValue = "4",
            description = "Experts per MoE layer after compression (default: ${DEFAULT-VALUE}).")
    int targetExperts;

    @Option(
            names = "--inputs",
            defaultValue = "LAYER_WISE",
            description =
                    "Calibration inputs: LAYER_WISE (from the original model) or PROGRESSIVE (from the model with earlier layers compressed). Default: ${DEFAULT-VALUE}.")
    ModelCompressor.Inputs inputs;

    @Option(
            names = "--form",
            defaultValue = "SMALLER_ROUTER",
            description =
                    "SMALLER_ROUTER (standard HF checkpoint) or EXACT_ROUTER (router kept whole, expert map in config.json). Default: ${DEFAULT-VALUE}.")
    ExportForm form;

    @Option(
            names = "--calibration",
            split = ",",
            description = "Calibration dataset file(s)/folder(s) (default: the bundled datasets/calibration-mix).")
    List<String> calibration;

    @Option(
            names = "--calibration-format",
            defaultValue = DatasetOptions.DEFAULT_FORMAT,
            description = "AUTO, PARQUET, JSONL or TEXT (default: ${DEFAULT-VALUE}).")
    DatasetOptions.Format calibrationFormat;

    @Option(
            names = "--text-column",
            defaultValue = DatasetOptions.DEFAULT_TEXT_COLUMN,
            description = "Column with the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(
            names = "--calibration-sequences",
            defaultValue = "64",
            description = "Calibration sequences, the first of the seed's order (default: ${DEFAULT-VALUE}).")
    int sequences;

    @Option(
            names = "--sequence-length",
            defaultValue = "128",
            description = "Tokens per calibration sequence, BOS included (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description = "Document order, random pruning, K-means (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dtype", description = "Output dtype: float32, float16 or bfloat16 (default: the source's).")
    String dtype;

    @Option(
            names = "--max-shard-bytes",
            defaultValue = "5000000000",
            description = "Shard the safetensors past this size, as save_pretrained's 5GB (default: ${DEFAULT-VALUE}).")
    long maxShardBytes;

    @Option(
            names = "--warehouse",
            defaultValue = BundledDefaults.WAREHOUSE,
            description = "Warehouse root, local or s3a:// (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    CompressOptions(CompressionMethodRegistry methods) {
        this.methods = methods;
    }

    /** The options of the command that mixes them in. */
    static CompressOptions of(CommandSpec command) {
        return command.mixins().values().stream()
                .map(CommandSpec::userObject)
                .filter(CompressOptions.class::isInstance)
                .map(CompressOptions.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(command.name() + " does not mix in CompressOptions"));
    }

    CompressionMethodRegistry methods() {
        return methods;
    }

    /** The run these options describe, with the parsed value of every registered method parameter. */
    CompressionConfig config(String method, String output, String runId) {
        boolean bundled = calibration == null;
        DatasetOptions data = DatasetOptions.builder(
                        bundled ? new String[] {BundledDefaults.calibrationData()} : calibration.toArray(String[]::new))
                .format(calibrationFormat)
                .textColumn(textColumn)
                .seed(seed)
                .idColumn(bundled ? "id" : null)
                .maxTokens((long) sequences * sequenceLength)
                .build();
        Map<String, Object> parameters = new LinkedHashMap<>();
        methods.parameters()
                .forEach(parameter -> parameters.put(
                        parameter.name(),
                        command.findOption("--" + parameter.name()).getValue()));
        return new CompressionConfig(
                BundledDefaults.model(model),
                statsRun,
                statsLabel,
                method,
                new ParameterValues(parameters),
                new MethodContext(seed, new MllibClustering()),
                targetExperts,
                inputs,
                form,
                data,
                sequences,
                sequenceLength,
                dtype,
                output,
                maxShardBytes,
                warehouse,
                runId);
    }
}
