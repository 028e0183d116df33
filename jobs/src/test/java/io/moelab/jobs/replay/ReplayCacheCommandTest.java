package io.moelab.jobs.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.cli.MoelabCli;
import io.moelab.jobs.testing.LocalSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCacheCommandTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static int run(StringWriter err, String... args) {
        return MoelabCli.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @Test
    void replaysATraceIntoCacheReplayRows(@TempDir Path dir) {
        String warehouse = dir.resolve("warehouse").toString();
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        err,
                        "calibrate",
                        "--model",
                        ROOT.resolve("models/trained-moe").toString(),
                        "--dataset",
                        ROOT.resolve("datasets/calibration-mix").toString(),
                        "--max-documents",
                        "16",
                        "--sequence-length",
                        "128",
                        "--trace-sample",
                        "0.2",
                        "--warehouse",
                        warehouse,
                        "--run-id",
                        "traced",
                        "--master",
                        "local[2]"),
                err.toString());
        assertEquals(
                0,
                run(
                        err,
                        "replay-cache",
                        "--run-id",
                        "traced",
                        "--cache-sizes",
                        "1,2,4,8",
                        "--warehouse",
                        warehouse,
                        "--master",
                        "local[1]"),
                err.toString());
        SparkSession spark =
                LocalSpark.builder("replay-cache-test").master("local[1]").getOrCreate();
        try {
            List<Row> rows = spark.read()
                    .parquet(dir.resolve("warehouse/cache_replay/run_id=traced-replay")
                            .toString())
                    .collectAsList();
            assertEquals(3 * 4 * 4, rows.size(), "3 policies x 4 sizes x 4 MoE layers");
            Map<String, Double> lru = new HashMap<>();
            for (Row r : rows) {
                long lookups = r.getLong(r.fieldIndex("lookups"));
                long hits = r.getLong(r.fieldIndex("hits"));
                assertTrue(lookups > 0 && hits >= 0 && hits <= lookups, r.toString());
                if (r.getString(r.fieldIndex("policy")).equals("lru")) {
                    lru.put(
                            r.getInt(r.fieldIndex("layer")) + "/" + r.getInt(r.fieldIndex("capacity")),
                            r.getDouble(r.fieldIndex("hit_rate")));
                }
            }
            for (int layer = 0; layer < 4; layer++) {
                // LRU's inclusion property: a bigger cache never hits less.
                assertTrue(
                        lru.get(layer + "/1") <= lru.get(layer + "/2")
                                && lru.get(layer + "/2") <= lru.get(layer + "/4")
                                && lru.get(layer + "/4") <= lru.get(layer + "/8"),
                        lru.toString());
                // All 8 experts fit: only each expert's first use misses.
                assertTrue(lru.get(layer + "/8") > 0.9, lru.toString());
            }
        } finally {
            spark.stop();
        }
    }

    @Test
    void aRunWithoutTraceIsBadInput(@TempDir Path dir) {
        String warehouse = dir.resolve("warehouse").toString();
        StringWriter err = new StringWriter();
        assertEquals(
                0,
                run(
                        err,
                        "calibrate",
                        "--model",
                        ROOT.resolve("models/trained-moe").toString(),
                        "--dataset",
                        ROOT.resolve("datasets/calibration-mix").toString(),
                        "--max-documents",
                        "8",
                        "--sequence-length",
                        "128",
                        "--warehouse",
                        warehouse,
                        "--run-id",
                        "plain",
                        "--master",
                        "local[1]"),
                err.toString());
        StringWriter replayErr = new StringWriter();
        assertEquals(
                2,
                run(
                        replayErr,
                        "replay-cache",
                        "--run-id",
                        "plain",
                        "--cache-sizes",
                        "2",
                        "--warehouse",
                        warehouse,
                        "--master",
                        "local[1]"));
        assertTrue(replayErr.toString().contains("--trace-sample"), replayErr.toString());
    }
}
