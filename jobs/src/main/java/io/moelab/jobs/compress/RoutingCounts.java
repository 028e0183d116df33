package io.moelab.jobs.compress;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.moelab.MoelabInputException;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.moe.MoeConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-expert selection counts of a calibration run, read from {@code routing_stats.tokens} (or,
 * per task, {@code expert_labels.tokens} of one label), checked against the model being compressed:
 * a run made on another model (other MoE layers or expert count) is refused.
 */
final class RoutingCounts {
    private RoutingCounts() {}

    static Map<Integer, long[]> read(Warehouse warehouse, String runId, String label, MoeConfig config) {
        String table = label == null ? TableSchemas.ROUTING_STATS : TableSchemas.EXPERT_LABELS;
        Dataset<Row> rows =
                warehouse.readSucceeded(table).where(col(TableSchemas.RUN_ID).equalTo(lit(runId)));
        if (label != null) {
            rows = rows.where(col("label").equalTo(lit(label)));
        }
        List<Row> collected = rows.select("layer", "expert", "tokens").collectAsList();
        if (collected.isEmpty()) {
            throw new MoelabInputException("--stats " + runId + ": no succeeded run with rows in " + warehouse.root()
                    + "/" + table + (label == null ? "" : " for label '" + label + "'"));
        }
        int[] moeLayers = config.layers().moeLayerIndices();
        int experts = config.experts().numExperts();
        Map<Integer, long[]> counts = new TreeMap<>();
        for (Row row : collected) {
            int layer = row.getInt(0);
            int expert = row.getInt(1);
            if (Arrays.stream(moeLayers).noneMatch(l -> l == layer) || expert < 0 || expert >= experts) {
                throw mismatch(runId, collected, config);
            }
            counts.computeIfAbsent(layer, l -> new long[experts])[expert] += row.getLong(2);
        }
        if (counts.size() != moeLayers.length) {
            throw mismatch(runId, collected, config);
        }
        return counts;
    }

    private static MoelabInputException mismatch(String runId, List<Row> rows, MoeConfig config) {
        int[] layers =
                rows.stream().mapToInt(r -> r.getInt(0)).distinct().sorted().toArray();
        int experts = rows.stream().mapToInt(r -> r.getInt(1)).max().orElse(-1) + 1;
        return new MoelabInputException("--stats " + runId + " was computed on another model: it has MoE layers "
                + Arrays.toString(layers) + " with " + experts + " experts; the model has MoE layers "
                + Arrays.toString(config.layers().moeLayerIndices()) + " with "
                + config.experts().numExperts() + " experts");
    }
}
