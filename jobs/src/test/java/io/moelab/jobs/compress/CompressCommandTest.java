package io.moelab.jobs.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.cli.MoelabCli;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.RunTables;
import io.moelab.jobs.warehouse.RunCommit;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.model.MoeModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compress and compress-report end to end through the command line, on the bundled model. */
class CompressCommandTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path MODEL = ROOT.resolve("models/trained-moe");
    private static final String[] SMALL_CALIBRATION = {
        "--calibration-sequences", "8", "--sequence-length", "64", "--master", "local[2]"
    };

    @TempDir
    static Path dir;

    static Path warehouse;

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MoelabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Run compress(String... args) {
        List<String> full =
                new ArrayList<>(List.of("compress", "--model", MODEL.toString(), "--warehouse", warehouse.toString()));
        full.addAll(List.of(args));
        full.addAll(List.of(SMALL_CALIBRATION));
        return cli(full.toArray(String[]::new));
    }

    @BeforeAll
    static void calibrate() {
        System.setProperty("moelab.home", ROOT.toString()); // as bin/moelab sets it: the bundled calibration data
        warehouse = dir.resolve("warehouse");
        Run run = cli(
                "calibrate",
                "--model",
                MODEL.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "stats",
                "--max-documents",
                "40",
                "--sequence-length",
                "128",
                "--master",
                "local[2]");
        assertEquals(0, run.code(), run.err());
    }

    private static Map<String, List<String>> tables(String runId) {
        SparkSession spark =
                LocalSpark.builder("compress-test").master("local[1]").getOrCreate();
        try {
            return RunTables.read(spark, warehouse.toString(), runId);
        } finally {
            spark.stop();
        }
    }

    @Test
    void compressWritesALoadableCheckpointAndItsMergePlan() throws Exception {
        Path out = dir.resolve("frequency-4");
        Run run = compress(
                "--stats",
                "stats",
                "--method",
                "frequency",
                "--target-experts",
                "4",
                "--output",
                out.toString(),
                "--run-id",
                "freq");
        assertEquals(0, run.code(), run.err());
        MoeModel loaded = MoeModel.load(out);
        assertEquals(4, loaded.config().experts().numExperts());
        assertTrue(Files.readString(out.resolve("README.md")).contains("run `stats`"));
        List<String> plan = tables("freq").get(TableSchemas.MERGE_PLANS);
        assertEquals(4 * 4, plan.size(), "4 kept experts in each of 4 layers");
        assertTrue(plan.get(0).contains("frequency"), plan.get(0));

        // The kept experts are the 4 most selected of the stats run, per layer.
        SparkSession spark =
                LocalSpark.builder("compress-test").master("local[1]").getOrCreate();
        try {
            List<Row> stats = Warehouse.open(spark, warehouse.toString())
                    .read(TableSchemas.ROUTING_STATS)
                    .where("run_id = 'stats' and layer = 2")
                    .orderBy(
                            org.apache.spark.sql.functions.desc("tokens"), org.apache.spark.sql.functions.asc("expert"))
                    .collectAsList();
            List<Row> kept = Warehouse.open(spark, warehouse.toString())
                    .read(TableSchemas.MERGE_PLANS)
                    .where("run_id = 'freq' and layer = 2")
                    .orderBy("source_expert")
                    .collectAsList();
            List<Integer> expected = stats.subList(0, 4).stream()
                    .map(r -> r.<Integer>getAs("expert"))
                    .sorted()
                    .toList();
            assertEquals(
                    expected,
                    kept.stream().map(r -> r.<Integer>getAs("source_expert")).toList());
        } finally {
            spark.stop();
        }
    }

    @Test
    void badInputExitsTwoAndWritesNothing() {
        Path out = dir.resolve("bad");
        Run tooMany = compress(
                "--method", "frequency", "--target-experts", "8", "--output", out.toString(), "--run-id", "bad1");
        assertEquals(2, tooMany.code(), tooMany.err());
        assertTrue(tooMany.err().contains("--target-experts 8"), tooMany.err());

        Run unknown = compress("--method", "magic", "--output", out.toString(), "--run-id", "bad2");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown compression method 'magic'"), unknown.err());

        writeStatsOfAnotherModel("other-model", 16);
        Run mismatch = compress(
                "--stats", "other-model", "--method", "frequency", "--output", out.toString(), "--run-id", "bad3");
        assertEquals(2, mismatch.code(), mismatch.err());
        assertTrue(mismatch.err().contains("computed on another model"), mismatch.err());

        Run missing = compress(
                "--stats", "no-such-run", "--method", "frequency", "--output", out.toString(), "--run-id", "bad4");
        assertEquals(2, missing.code(), missing.err());

        assertFalse(Files.exists(out), "no checkpoint");
        for (String run : List.of("bad1", "bad2", "bad3", "bad4")) {
            assertTrue(tables(run).isEmpty(), "no table rows for " + run);
        }
    }

    @Test
    void reportHasBitsPerBytePerDomainForEveryMethod() throws Exception {
        Path root = dir.resolve("report");
        Run run = cli(
                "compress-report",
                "--model",
                MODEL.toString(),
                "--warehouse",
                warehouse.toString(),
                "--stats",
                "stats",
                "--methods",
                "frequency,random",
                "--output-root",
                root.toString(),
                "--limit",
                "3",
                "--run-id",
                "report",
                "--calibration-sequences",
                "8",
                "--sequence-length",
                "64",
                "--master",
                "local[2]");
        assertEquals(0, run.code(), run.err());
        List<String> report = tables("report").get(TableSchemas.COMPRESSION_REPORT);
        assertEquals(2 * 4, report.size(), String.valueOf(report));
        SparkSession spark =
                LocalSpark.builder("compress-test").master("local[1]").getOrCreate();
        try {
            for (Row row : Warehouse.open(spark, warehouse.toString())
                    .read(TableSchemas.COMPRESSION_REPORT)
                    .where("run_id = 'report'")
                    .collectAsList()) {
                double bpb = row.getAs("bits_per_byte");
                double original = row.getAs("bits_per_byte_original");
                assertTrue(bpb > 0 && original > 0 && bpb != original, row.toString());
                assertEquals(4, row.<Integer>getAs("experts_per_layer"));
            }
        } finally {
            spark.stop();
        }
        assertTrue(run.out().contains("| scripture | frequency | 4 |"), run.out());
        assertTrue(Files.isDirectory(root.resolve("random")));
    }

    private static void writeStatsOfAnotherModel(String runId, int experts) {
        SparkSession spark =
                LocalSpark.builder("compress-test").master("local[1]").getOrCreate();
        try {
            Warehouse w = Warehouse.open(spark, warehouse.toString());
            List<Row> rows = new ArrayList<>();
            for (int layer = 0; layer < 4; layer++) {
                for (int e = 0; e < experts; e++) {
                    rows.add(RowFactory.create(runId, layer, e, 10L, 5L, 1.0, 1.0, 1.0 / experts, 0.0, 1.0, 1.0, 0));
                }
            }
            try (RunCommit commit = w.begin(runId)) {
                commit.stage(
                        TableSchemas.ROUTING_STATS,
                        spark.createDataFrame(
                                rows,
                                TableSchemas.get(TableSchemas.ROUTING_STATS).schema()));
                commit.commit(RunRecord.builder(runId, "calibrate")
                        .config("{}")
                        .startedAt(Instant.now())
                        .finishedAt(Instant.now())
                        .status(RunRecord.SUCCEEDED)
                        .tokensProcessed(10L)
                        .build());
            }
        } finally {
            spark.stop();
        }
    }
}
