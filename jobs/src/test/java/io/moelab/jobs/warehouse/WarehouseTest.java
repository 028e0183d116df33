package io.moelab.jobs.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.jobs.testing.LocalSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.builder("WarehouseTest").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void commitsTwoTablesAndTheRunsRowAndReadsThemBack() throws IOException {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        // "007" would be inferred as an integer partition value; the registry keeps it a string.
        commit(warehouse, "007", coactivation("007", 3), layerStats("007"));

        List<Row> pairs =
                warehouse.read(TableSchemas.COACTIVATION).orderBy("expert_b").collectAsList();
        assertEquals(3, pairs.size());
        assertEquals(RowFactory.create("007", 0, 0, 1, 10L), pairs.get(0), "first coactivation row");
        assertEquals(
                TableSchemas.get(TableSchemas.COACTIVATION).columnNames(),
                Arrays.asList(warehouse.read(TableSchemas.COACTIVATION).columns()),
                "columns in registry order");
        assertEquals(1, warehouse.read(TableSchemas.ROUTING_LAYER_STATS).count());

        RunRecord stored = RunRecord.fromRow(warehouse.read(TableSchemas.RUNS).first());
        assertEquals(runRecord("007"), stored, "runs row round trip");

        Path wh = tmp.resolve("wh");
        assertTrue(Files.isRegularFile(wh.resolve("coactivation").resolve(SchemaMarker.FILE_NAME)));
        assertTrue(Files.isRegularFile(wh.resolve("runs").resolve(SchemaMarker.FILE_NAME)));
        assertTrue(Files.isDirectory(wh.resolve("coactivation/run_id=007")));
        assertFalse(Files.exists(wh.resolve(Warehouse.STAGING_DIR)), "staging removed after commit");
    }

    @Test
    void reRunReplacesTheRunWholeAndLeavesOtherRunsAlone() {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        commit(warehouse, "r1", coactivation("r1", 4), layerStats("r1"));
        commit(warehouse, "r2", coactivation("r2", 2), layerStats("r2"));

        commit(warehouse, "r1", coactivation("r1", 1));

        assertEquals(1, countRun(warehouse, TableSchemas.COACTIVATION, "r1"), "r1 coactivation replaced");
        assertEquals(
                0,
                countRun(warehouse, TableSchemas.ROUTING_LAYER_STATS, "r1"),
                "a table the re-run does not produce loses the run's old partition");
        assertEquals(1, countRun(warehouse, TableSchemas.RUNS, "r1"), "one runs row per run");
        assertEquals(2, countRun(warehouse, TableSchemas.COACTIVATION, "r2"), "other runs untouched");
        assertEquals(1, countRun(warehouse, TableSchemas.ROUTING_LAYER_STATS, "r2"), "other runs untouched");
    }

    @Test
    void failureWhileWritingLeavesNoPartitionAndNoStaging() throws IOException {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        RunCommit commit = warehouse
                .begin("boom")
                .stage(TableSchemas.ROUTING_LAYER_STATS, layerStats("boom"))
                .stage(TableSchemas.COACTIVATION, failingOnWrite(coactivation("boom", 3)));

        IllegalStateException failure =
                assertThrows(IllegalStateException.class, () -> commit.commit(runRecord("boom")));
        assertTrue(failure.getMessage().contains("coactivation"), failure.getMessage());

        assertEquals(List.of(), liveRunFolders(tmp.resolve("wh"), "boom"), "no live partition of the failed run");
        assertEquals(0, warehouse.read(TableSchemas.RUNS).count(), "no runs row");
        assertFalse(Files.exists(tmp.resolve("wh").resolve(Warehouse.STAGING_DIR)), "staging removed after failure");
        assertThrows(IllegalStateException.class, () -> commit.commit(runRecord("boom")), "a failed commit is spent");
    }

    @Test
    void failedReRunKeepsThePreviousCommit() {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        commit(warehouse, "r1", coactivation("r1", 2));

        RunCommit rerun = warehouse.begin("r1").stage(TableSchemas.COACTIVATION, failingOnWrite(coactivation("r1", 5)));
        assertThrows(IllegalStateException.class, () -> rerun.commit(runRecord("r1")));

        assertEquals(2, warehouse.readSucceeded(TableSchemas.COACTIVATION).count(), "previous commit still visible");
    }

    @Test
    void abortWritesNothing() {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        try (RunCommit commit = warehouse.begin("r1")) {
            commit.stage(TableSchemas.COACTIVATION, coactivation("r1", 2));
        }
        assertFalse(Files.exists(tmp.resolve("wh")), "nothing is written before commit");
    }

    @Test
    void readSucceededSkipsRunsNotMarkedSucceeded() {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        commit(warehouse, "ok", coactivation("ok", 2));
        warehouse
                .begin("bad")
                .stage(TableSchemas.COACTIVATION, coactivation("bad", 3))
                .commit(RunRecord.builder("bad", "calibrate")
                        .status(RunRecord.FAILED)
                        .build());

        assertEquals(5, warehouse.read(TableSchemas.COACTIVATION).count());
        assertEquals(2, warehouse.readSucceeded(TableSchemas.COACTIVATION).count());
    }

    @Test
    void rootThatIsAFileIsRejectedByName() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        MoelabInputException error =
                assertThrows(MoelabInputException.class, () -> Warehouse.open(spark, file.toString()));
        assertTrue(
                error.getMessage().contains("not-a-folder")
                        && error.getMessage().contains("is a file"),
                error.getMessage());
    }

    @Test
    void stageRejectsRowsThatDoNotMatchTheRegistry() {
        RunCommit commit = Warehouse.open(spark, tmp.resolve("wh").toString()).begin("r1");

        Dataset<Row> intTokens =
                coactivation("r1", 2).withColumn("tokens", col("tokens").cast("int"));
        assertMessage(
                IllegalArgumentException.class,
                () -> commit.stage(TableSchemas.COACTIVATION, intTokens),
                "coactivation",
                "column tokens has type int, expected bigint");
        assertMessage(
                IllegalArgumentException.class,
                () -> commit.stage(
                        TableSchemas.COACTIVATION, coactivation("r1", 2).drop("expert_b")),
                "coactivation",
                "column expert_b is missing");
        assertMessage(
                IllegalArgumentException.class,
                () -> commit.stage(
                        TableSchemas.COACTIVATION, coactivation("r1", 2).withColumn("extra", col("layer"))),
                "coactivation",
                "column extra is not in the table");
        assertMessage(
                IllegalArgumentException.class,
                () -> commit.stage(TableSchemas.COACTIVATION, coactivation("r2", 2)),
                "coactivation",
                "column run_id",
                "'r2'",
                "'r1'");
        assertMessage(
                MoelabInputException.class,
                () -> commit.stage("nonsense", coactivation("r1", 1)),
                "unknown table 'nonsense'");
        assertMessage(
                MoelabInputException.class,
                () -> Warehouse.open(spark, tmp.toString()).begin("../x"),
                "run id '../x'");
    }

    @Test
    void anotherMajorSchemaVersionIsRejectedOnWriteAndRead() throws IOException {
        Warehouse warehouse = Warehouse.open(spark, tmp.resolve("wh").toString());
        commit(warehouse, "r1", coactivation("r1", 2));
        Path marker = tmp.resolve("wh/coactivation").resolve(SchemaMarker.FILE_NAME);
        Files.writeString(marker, Files.readString(marker).replace("\"1.0\"", "\"2.0\""), StandardCharsets.UTF_8);
        Files.delete(marker.resolveSibling("." + SchemaMarker.FILE_NAME + ".crc"));

        String[] expected = {"coactivation", tmp.resolve("wh/coactivation").toString(), "2.0", "1.0"};
        assertMessage(
                MoelabInputException.class,
                () -> warehouse.begin("r2").stage(TableSchemas.COACTIVATION, coactivation("r2", 1)),
                expected);
        assertMessage(MoelabInputException.class, () -> warehouse.read(TableSchemas.COACTIVATION), expected);

        Files.writeString(marker, Files.readString(marker).replace("\"2.0\"", "\"1.7\""), StandardCharsets.UTF_8);
        assertEquals(2, warehouse.read(TableSchemas.COACTIVATION).count(), "another minor version reads");
    }

    @Test
    void unwrittenTableReadsEmptyWithItsSchema() {
        Dataset<Row> trace = Warehouse.open(spark, tmp.resolve("wh").toString()).read(TableSchemas.ROUTING_TRACE);
        assertEquals(0, trace.count());
        assertEquals(TableSchemas.get(TableSchemas.ROUTING_TRACE).schema(), trace.schema());
    }

    private static void commit(Warehouse warehouse, String runId, Dataset<Row> coactivation, Dataset<Row> layerStats) {
        warehouse
                .begin(runId)
                .stage(TableSchemas.COACTIVATION, coactivation)
                .stage(TableSchemas.ROUTING_LAYER_STATS, layerStats)
                .commit(runRecord(runId));
    }

    private static void commit(Warehouse warehouse, String runId, Dataset<Row> coactivation) {
        warehouse.begin(runId).stage(TableSchemas.COACTIVATION, coactivation).commit(runRecord(runId));
    }

    static RunRecord runRecord(String runId) {
        return RunRecord.builder(runId, "calibrate")
                .config("{\"layers\":[0,1],\"max_tokens\":4096}")
                .modelRef("bundled:tiny-moe")
                .datasetRef("file:///data/wikitext.jsonl")
                .startedAt(Instant.parse("2026-11-22T10:00:00Z"))
                .finishedAt(Instant.parse("2026-11-22T10:05:00.123Z"))
                .sparkApplicationId(spark.sparkContext().applicationId())
                .tokensProcessed(123_456L)
                .build();
    }

    static Dataset<Row> coactivation(String runId, int rows) {
        List<Row> data = Stream.iterate(0, i -> i + 1)
                .limit(rows)
                .map(i -> RowFactory.create(runId, 0, 0, i + 1, 10L * (i + 1)))
                .collect(Collectors.toList());
        return spark.createDataFrame(
                data, TableSchemas.get(TableSchemas.COACTIVATION).schema());
    }

    private static Dataset<Row> layerStats(String runId) {
        return spark.createDataFrame(
                List.of(RowFactory.create(runId, 0, 4096L, 1.9, 0.2, 1.4, 0L, 2.0)),
                TableSchemas.get(TableSchemas.ROUTING_LAYER_STATS).schema());
    }

    /**
     * The same rows, but computing {@code tokens} throws: the failure surfaces when the commit writes
     * them. Repartitioned first, as a job's shuffled output would be: Spark evaluates expressions over
     * a local in-memory relation while optimising, which would make the failure surface in stage().
     */
    private static Dataset<Row> failingOnWrite(Dataset<Row> rows) {
        UserDefinedFunction explode = udf(
                (UDF1<Long, Long>) tokens -> {
                    throw new IllegalStateException("injected failure while computing tokens");
                },
                DataTypes.LongType);
        return rows.repartition(2).withColumn("tokens", explode.apply(col("tokens")));
    }

    private static long countRun(Warehouse warehouse, String table, String runId) {
        return warehouse
                .read(table)
                .where(col(TableSchemas.RUN_ID).equalTo(runId))
                .count();
    }

    private static List<Path> liveRunFolders(Path root, String runId) throws IOException {
        if (!Files.exists(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(p -> p.getFileName().toString().equals(TableSchemas.RUN_ID + "=" + runId))
                    .collect(Collectors.toList());
        }
    }

    private static void assertMessage(
            Class<? extends Throwable> type, org.junit.jupiter.api.function.Executable call, String... fragments) {
        Throwable error = assertThrows(type, call);
        for (String fragment : fragments) {
            assertTrue(
                    error.getMessage().contains(fragment), "message lacks '" + fragment + "': " + error.getMessage());
        }
    }
}
