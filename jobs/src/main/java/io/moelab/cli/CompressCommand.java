package io.moelab.cli;

import io.moelab.jobs.compress.CompressionJob;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code moelab compress}: one expert-compression method → a checkpoint directory and merge_plans rows. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Prune or merge a MoE model's experts; write a Hugging Face checkpoint and the merge plan.")
public final class CompressCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CompressOptions options;

    @Option(names = "--method", required = true, description = "Compression method: frequency, random, naee, uniform, m-smoe, mc-smoe, sub-moe, dern, mixed-precision.")
    String method;

    @Option(names = "--output", required = true, description = "New checkpoint directory (must not exist).")
    String output;

    @Option(names = "--run-id", description = "Run id (default: compress-<method>-<time>).")
    String runId;

    @Override
    public Integer call() {
        String run = runId != null ? runId
                : "compress-" + method + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        SparkSession spark = SparkSessions.forCommand("moelab compress " + run, options.master);
        try {
            CompressionJob.Summary summary = new CompressionJob(spark).run(options.config(method, output, run));
            PrintWriter out = spec.commandLine().getOut();
            out.printf("run %s: %s checkpoint with %d MoE layers compressed in %s; %d merge_plans rows in %s%n",
                    summary.runId(), method, summary.layers().size(), summary.checkpoint(), summary.planRows(),
                    options.warehouse);
            summary.layers().forEach((layer, compressed) -> out.printf("  layer %d: %s%n", layer,
                    java.util.Arrays.toString(compressed.expertMap())));
            out.flush();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
