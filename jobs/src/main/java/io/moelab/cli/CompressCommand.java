package io.moelab.cli;

import io.moelab.compress.method.CompressionMethodRegistry;
import io.moelab.jobs.compress.CompressionJob;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moelab compress}: one expert-compression method → a checkpoint directory and merge_plans rows. */
@Command(
        name = "compress",
        mixinStandardHelpOptions = true,
        modelTransformer = CompressMethodOptions.class,
        description = "Prune or merge a MoE model's experts; write a Hugging Face checkpoint and the merge plan.")
public final class CompressCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompressOptions options;

    @Option(names = "--method", required = true, description = "Compression method: ${COMPLETION-CANDIDATES}.")
    String method;

    @Option(names = "--output", required = true, description = "New checkpoint directory (must not exist).")
    String output;

    @Option(names = "--run-id", description = "Run id (default: compress-<method>-<time>).")
    String runId;

    /** The command with moelab's built-in methods. */
    public CompressCommand() {
        this(CompressionMethodRegistry.builtIn());
    }

    /** The command offering the methods of {@code methods}, with their options. */
    public CompressCommand(CompressionMethodRegistry methods) {
        options = new CompressOptions(methods);
    }

    @Override
    public Integer call() {
        String run = runId != null
                ? runId
                : "compress-" + method + "-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        SparkSession spark = SparkSessions.forCommand("moelab compress " + run, options.master);
        try {
            CompressionJob.Summary summary =
                    new CompressionJob(spark, options.methods()).run(options.config(method, output, run));
            PrintWriter out = spec.commandLine().getOut();
            out.printf(
                    "run %s: %s checkpoint with %d MoE layers compressed in %s; %d merge_plans rows in %s%n",
                    summary.runId(),
                    method,
                    summary.layers().size(),
                    summary.checkpoint(),
                    summary.planRows(),
                    options.warehouse);
            summary.layers()
                    .forEach((layer, compressed) ->
                            out.printf("  layer %d: %s%n", layer, java.util.Arrays.toString(compressed.expertMap())));
            out.flush();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
