package io.moelab.cli;

import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.jobs.compress.CompressionReportJob;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moelab compress-report}: every method on one model, bits per byte per domain, in compression_report. */
@Command(
        name = "compress-report",
        mixinStandardHelpOptions = true,
        modelTransformer = CompressMethodOptions.class,
        description =
                "Compress a model with several methods, evaluate bits per byte per domain, write compression_report.")
public final class CompressReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompressOptions options;

    @Option(names = "--methods", split = ",", description = "Methods to compare (default: all).")
    List<String> methods;

    @Option(
            names = "--output-root",
            required = true,
            description = "Folder that receives one checkpoint per method (<root>/<method>).")
    String outputRoot;

    @Option(
            names = "--tasks",
            split = ",",
            description = "Bits-per-byte task files (default: the bundled tasks/bundled/bpb-*.yaml).")
    List<String> tasks;

    @Option(names = "--limit", defaultValue = "" + Long.MAX_VALUE, description = "Documents per task (default: all).")
    long limit;

    @Option(
            names = "--run-id",
            description =
                    "Run id (default: compress-report-<time>); method runs get <id>-<method>, the evaluation <id>-eval.")
    String runId;

    /** The command comparing moelab's built-in methods. */
    public CompressReportCommand() {
        options = new CompressOptions(CompressionMethodRegistry.builtIn());
    }

    @Override
    public Integer call() {
        String run = runId != null
                ? runId
                : "compress-report-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<String> taskFiles = tasks != null
                ? tasks
                : List.of("arithmetic", "code", "dictionary", "scripture").stream()
                        .map(d -> BundledDefaults.home()
                                .resolve(BundledDefaults.TASKS + "/bpb-" + d + ".yaml")
                                .toString())
                        .toList();
        List<String> methodNames =
                methods != null ? methods : List.copyOf(options.methods().names());
        SparkSession spark = SparkSessions.forCommand("moelab compress-report " + run, options.master);
        try {
            List<Row> report = new CompressionReportJob(spark, options.methods())
                    .run(new CompressionReportJob.ReportConfig(
                            options.config(null, null, null), methodNames, outputRoot, taskFiles, limit, run));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "run %s: compression_report in %s%n%n| domain | method | experts | bits/byte | original |%n"
                            + "|---|---|---|---|---|%n",
                    run, options.warehouse);
            for (Row r : report) {
                out.printf(
                        "| %s | %s | %d | %.4f | %.4f |%n",
                        r.getString(4), r.getString(1), r.getInt(2), r.getDouble(5), r.getDouble(6));
            }
            out.flush();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
