package io.moelab.cli;

import io.moelab.data.SequencingOptions;
import io.moelab.jobs.calibrate.CalibrationConfig;
import io.moelab.jobs.calibrate.CalibrationJob;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.stats.StatsOptions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code moelab calibrate}: routing statistics of a model on a dataset, written to the warehouse.
 * With no arguments it runs the bundled model on the bundled dataset in Spark {@code local[*]}.
 * Under {@code spark-submit} the master comes from spark-submit.
 */
@Command(
        name = "calibrate",
        mixinStandardHelpOptions = true,
        description = "Run a MoE model over a dataset with Spark and write routing statistics tables.")
public final class CalibrateCommand implements Callable<Integer> {
    /** Set by bin/moelab to the checkout, where the bundled model and dataset live. */
    @Spec
    CommandSpec spec;

    @Option(
            names = "--model",
            description = "Model directory, local or s3a:// (default: the bundled models/trained-moe).")
    String model;

    @Option(
            names = "--dataset",
            split = ",",
            description =
                    "Dataset file(s) or folder(s), local or s3a:// (default: the bundled datasets/calibration-mix).")
    List<String> dataset;

    @Option(
            names = "--format",
            defaultValue = DatasetOptions.DEFAULT_FORMAT,
            description = "AUTO, PARQUET, JSONL or TEXT (default: ${DEFAULT-VALUE}).")
    DatasetOptions.Format format;

    @Option(
            names = "--text-column",
            defaultValue = DatasetOptions.DEFAULT_TEXT_COLUMN,
            description = "Column with the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--id-column", description = "Column with a document id (default: file and row).")
    String idColumn;

    @Option(names = "--label-column", description = "Column with a label (domain, task) for expert_labels and nPMI.")
    String labelColumn;

    @Option(names = "--filter", description = "Spark SQL condition rows must meet, e.g. \"lang = 'en'\".")
    String filter;

    @Option(names = "--split", description = "Keep rows whose `split` column equals this.")
    String split;

    @Option(
            names = "--text-mode",
            defaultValue = DatasetOptions.DEFAULT_TEXT_MODE,
            description = "Plain text: LINE (a document per line) or FILE (per file).")
    DatasetOptions.TextMode textMode;

    @Option(
            names = "--max-documents",
            defaultValue = "" + DatasetOptions.DEFAULT_MAX_DOCUMENTS,
            description = "Documents to sample (by seed).")
    long maxDocuments;

    @Option(
            names = "--max-tokens",
            defaultValue = "" + DatasetOptions.DEFAULT_MAX_TOKENS,
            description = "Token budget over all sequences.")
    long maxTokens;

    @Option(
            names = "--seed",
            defaultValue = "" + DatasetOptions.DEFAULT_SEED,
            description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--sequencing",
            defaultValue = "PACK",
            description =
                    "PACK (fixed blocks of the length) or WHOLE (a document per sequence, cut at the length). Default: ${DEFAULT-VALUE}.")
    SequencingOptions.Mode sequencing;

    @Option(
            names = "--sequence-length",
            defaultValue = "256",
            description = "Tokens per sequence, BOS included (default: ${DEFAULT-VALUE}).")
    int sequenceLength;

    @Option(
            names = "--batch-size",
            defaultValue = "16",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--partitions",
            defaultValue = "0",
            description = "Spark partitions for the forward passes (default: Spark's parallelism).")
    int partitions;

    @Option(
            names = "--super-experts",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Track max |down_proj output| per expert and flag super experts (default: on).")
    boolean superExperts;

    @Option(
            names = "--zero-activation",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Share of near-zero hidden activations per expert (default: on).")
    boolean zeroActivation;

    @Option(
            names = "--zero-threshold",
            defaultValue = "" + StatsOptions.DEFAULT_ZERO_THRESHOLD,
            description = "|activation| below this counts as zero (default: ${DEFAULT-VALUE}).")
    double zeroThreshold;

    @Option(
            names = "--similarity-sample",
            defaultValue = "0",
            description =
                    "Share of tokens on which every expert runs, for expert-output cosine similarity; costs E expert passes per sampled token and layer (default: off).")
    double similaritySample;

    @Option(
            names = "--trace-sample",
            defaultValue = "0",
            description = "Share of tokens written to routing_trace (default: off).")
    double traceSample;

    @Option(
            names = "--warehouse",
            defaultValue = BundledDefaults.WAREHOUSE,
            description = "Warehouse root, local or s3a:// (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(
            names = "--run-id",
            description = "Run id; re-running an id replaces its partitions (default: calibrate-<time>).")
    String runId;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    @Override
    public Integer call() {
        boolean bundledDataset = dataset == null;
        DatasetOptions.Builder data = DatasetOptions.builder(
                        bundledDataset
                                ? new String[] {BundledDefaults.calibrationData()}
                                : dataset.toArray(String[]::new))
                .format(format)
                .textColumn(textColumn)
                .textMode(textMode)
                .filter(filter)
                .split(split)
                .maxDocuments(maxDocuments)
                .maxTokens(maxTokens)
                .seed(seed)
                .idColumn(bundledDataset ? "id" : idColumn)
                .labelColumn(bundledDataset ? "label" : labelColumn);
        String run = runId != null
                ? runId
                : "calibrate-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        StatsOptions stats = new StatsOptions(
                superExperts,
                superExperts,
                zeroActivation,
                zeroThreshold,
                bundledDataset || labelColumn != null,
                similaritySample,
                traceSample,
                seed);
        CalibrationConfig config = new CalibrationConfig(
                BundledDefaults.model(model),
                data.build(),
                sequencing,
                sequenceLength,
                batchSize,
                partitions,
                stats,
                warehouse,
                run);
        SparkSession spark = SparkSessions.forCommand("moelab calibrate " + run, master);
        try {
            new CalibrationJob(spark).run(config).print(spec.commandLine().getOut());
        } finally {
            spark.stop();
        }
        return 0;
    }
}
