package io.moelab.cli;

import io.moelab.jobs.replay.ReplayCacheJob;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code moelab replay-cache}: expert-cache hit rates from a calibration run's routing trace. */
@Command(
        name = "replay-cache",
        mixinStandardHelpOptions = true,
        description = "Replay a calibration run's routing trace through LRU / LFU / affinity-prefetch expert caches.")
public final class ReplayCacheCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--run-id",
            required = true,
            description = "The calibration run whose routing_trace to replay (calibrate with --trace-sample).")
    String sourceRunId;

    @Option(names = "--output-run-id", description = "Run id of the cache_replay rows (default: <run-id>-replay).")
    String runId;

    @Option(
            names = "--warehouse",
            defaultValue = BundledDefaults.WAREHOUSE,
            description = "Warehouse root (default: ./${DEFAULT-VALUE}).")
    String warehouse;

    @Option(
            names = "--policies",
            split = ",",
            defaultValue = "lru,lfu,affinity",
            description = "Cache policies (default: ${DEFAULT-VALUE}).")
    List<String> policies;

    @Option(
            names = "--cache-sizes",
            split = ",",
            required = true,
            description = "Experts cached per layer, e.g. 2,4,6.")
    int[] capacities;

    @Option(
            names = "--prefetch",
            defaultValue = "1",
            description = "Experts the affinity policy prefetches per layer (default: ${DEFAULT-VALUE}).")
    int prefetch;

    @Option(names = "--master", description = "Spark master when not under spark-submit (default: local[*]).")
    String master;

    @Override
    public Integer call() {
        String output = runId != null ? runId : sourceRunId + "-replay";
        SparkSession spark = SparkSessions.forCommand("moelab replay-cache " + output, master);
        try {
            List<Row> rows =
                    new ReplayCacheJob(spark).run(warehouse, sourceRunId, output, policies, capacities, prefetch);
            var out = spec.commandLine().getOut();
            out.printf(
                    Locale.ROOT,
                    "run %s (trace of %s) -> %s/cache_replay%n%-9s %8s %5s %9s%n",
                    output,
                    sourceRunId,
                    warehouse,
                    "policy",
                    "capacity",
                    "layer",
                    "hit rate");
            for (Row r : rows) {
                out.printf(
                        Locale.ROOT,
                        "%-9s %8d %5d %9s%n",
                        r.getString(1),
                        r.getInt(2),
                        r.getInt(3),
                        r.isNullAt(6) ? "-" : String.format(Locale.ROOT, "%.4f", r.getDouble(6)));
            }
            out.flush();
        } finally {
            spark.stop();
        }
        return 0;
    }
}
