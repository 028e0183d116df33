package io.moelab.jobs.replay;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.moelab.MoelabInputException;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.stats.ExpertCacheReplay;
import io.moelab.stats.ExpertCacheReplay.HitRates;
import io.moelab.stats.RoutingTrace;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Replays a calibration run's sampled routing trace through per-layer expert caches, as expert
 * offloading studies (ExpertFlow, HOBBIT, Pre-gated MoE) do without a GPU, and commits the hit
 * rates as the {@code cache_replay} table of a new run. Affinity prefetching predicts the next
 * layer's experts from the run's full {@code layer_affinity} counts, not only the sampled trace.
 */
public final class ReplayCacheJob {
    public static final String JOB_NAME = "replay-cache";
    private final SparkSession spark;

    public ReplayCacheJob(SparkSession spark) {
        this.spark = spark;
    }

    /**
     * @param policies  any of {@code lru}, {@code lfu}, {@code affinity}
     * @param prefetch  experts prefetched per layer by the affinity policy (at most the capacity)
     */
    public List<Row> run(
            String warehouseRoot,
            String sourceRunId,
            String runId,
            List<String> policies,
            int[] capacities,
            int prefetch) {
        Instant started = Instant.now();
        Warehouse warehouse = Warehouse.open(spark, warehouseRoot);
        List<RoutingTrace> trace = new ArrayList<>();
        for (Row row : ofRun(warehouse, TableSchemas.ROUTING_TRACE, sourceRunId).collectAsList()) {
            List<Integer> experts = row.getList(row.fieldIndex("experts"));
            List<Float> gates = row.getList(row.fieldIndex("gates"));
            float[] gateValues = new float[gates.size()];
            for (int i = 0; i < gateValues.length; i++) {
                gateValues[i] = gates.get(i);
            }
            trace.add(new RoutingTrace(
                    row.getLong(row.fieldIndex("sequence_id")),
                    row.getInt(row.fieldIndex("position")),
                    row.getInt(row.fieldIndex("layer")),
                    experts.stream().mapToInt(Integer::intValue).toArray(),
                    gateValues));
        }
        if (trace.isEmpty()) {
            throw new MoelabInputException("run '" + sourceRunId + "' in " + warehouseRoot
                    + " has no routing_trace rows: run calibrate with --trace-sample RATE first");
        }
        int[] layers =
                trace.stream().mapToInt(RoutingTrace::layer).distinct().sorted().toArray();
        List<Row> stats =
                ofRun(warehouse, TableSchemas.ROUTING_STATS, sourceRunId).collectAsList();
        int numExperts = stats.stream()
                        .mapToInt(r -> r.getInt(r.fieldIndex("expert")))
                        .max()
                        .orElse(-1)
                + 1;
        long[][][] affinity = affinity(
                ofRun(warehouse, TableSchemas.LAYER_AFFINITY, sourceRunId).collectAsList(), layers, numExperts);
        List<int[][]> tokens = ExpertCacheReplay.tokensOf(trace, layers);
        List<Row> rows = new ArrayList<>();
        for (String policy : policies) {
            for (int capacity : capacities) {
                if (capacity < 1 || capacity > numExperts) {
                    throw new MoelabInputException(
                            "--cache-sizes: " + capacity + " is not between 1 and the expert count " + numExperts);
                }
                HitRates rates = switch (policy.toLowerCase(Locale.ROOT)) {
                    case "lru" -> ExpertCacheReplay.lru(tokens, numExperts, capacity);
                    case "lfu" -> ExpertCacheReplay.lfu(tokens, numExperts, capacity);
                    case "affinity" ->
                        ExpertCacheReplay.affinityPrefetch(
                                tokens, numExperts, capacity, Math.min(prefetch, capacity), affinity);
                    default ->
                        throw new MoelabInputException(
                                "--policies: unknown policy '" + policy + "'; valid: lru, lfu, affinity");
                };
                for (int l = 0; l < layers.length; l++) {
                    long lookups = rates.lookupsPerLayer()[l];
                    long hits = rates.hitsPerLayer()[l];
                    rows.add(RowFactory.create(
                            runId,
                            policy,
                            capacity,
                            layers[l],
                            lookups,
                            hits,
                            lookups == 0 ? null : (double) hits / lookups));
                }
            }
        }
        try (RunCommit commit = warehouse.begin(runId)) {
            commit.stage(
                    TableSchemas.CACHE_REPLAY,
                    spark.createDataFrame(
                            rows, TableSchemas.get(TableSchemas.CACHE_REPLAY).schema()));
            commit.commit(RunRecord.builder(runId, JOB_NAME)
                    .config(String.format(
                            Locale.ROOT,
                            "{\"source_run\": \"%s\", \"policies\": \"%s\", \"capacities\": \"%s\", \"prefetch\": %d}",
                            sourceRunId,
                            String.join(",", policies),
                            java.util.Arrays.toString(capacities),
                            prefetch))
                    .datasetRef("warehouse run " + sourceRunId)
                    .startedAt(started)
                    .finishedAt(Instant.now())
                    .status(RunRecord.SUCCEEDED)
                    .sparkApplicationId(spark.sparkContext().applicationId())
                    .tokensProcessed(tokens.size())
                    .build());
        }
        return rows;
    }

    private static org.apache.spark.sql.Dataset<Row> ofRun(Warehouse warehouse, String table, String runId) {
        return warehouse.readSucceeded(table).where(col(TableSchemas.RUN_ID).equalTo(lit(runId)));
    }

    /** {@code affinity[l][e][e']}: tokens routed e at MoE layer l and e' at the next MoE layer. */
    private static long[][][] affinity(List<Row> rows, int[] layers, int numExperts) {
        long[][][] out = new long[Math.max(0, layers.length - 1)][numExperts][numExperts];
        for (Row row : rows) {
            int l = java.util.Arrays.binarySearch(layers, row.getInt(row.fieldIndex("layer")));
            if (l >= 0 && l < out.length) {
                out[l][row.getInt(row.fieldIndex("expert"))][row.getInt(row.fieldIndex("next_expert"))] =
                        row.getLong(row.fieldIndex("tokens"));
            }
        }
        return out;
    }
}
