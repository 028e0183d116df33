package io.moelab.jobs.warehouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.S3MockServer;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/** The warehouse on s3a://, against S3Mock, with credentials in the standard Hadoop settings. */
class WarehouseS3aTest {
    // Dummy values (S3Mock checks no signatures), distinctive enough to search for.
    private static final String ACCESS_KEY = "AKIAMOELABTESTKEY01";
    private static final String SECRET_KEY = "moelab/Secret+Key/DoNotStore0123456789";

    private static S3MockServer s3;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        long start = System.nanoTime();
        s3 = S3MockServer.start("moelab-test");
        System.out.printf("S3Mock ready in %d ms%n", millisSince(start));
        spark = LocalSpark.builder("WarehouseS3aTest")
                .config("spark.hadoop.fs.s3a.endpoint", s3.endpoint())
                .config("spark.hadoop.fs.s3a.endpoint.region", "us-east-1")
                .config("spark.hadoop.fs.s3a.path.style.access", "true")
                .config("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
                .config(
                        "spark.hadoop.fs.s3a.aws.credentials.provider",
                        "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
                .config("spark.hadoop.fs.s3a.access.key", ACCESS_KEY)
                .config("spark.hadoop.fs.s3a.secret.key", SECRET_KEY)
                .config("spark.hadoop.fs.s3a.attempts.maximum", "2")
                .config("spark.hadoop.fs.s3a.retry.limit", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stop() throws IOException {
        if (spark != null) {
            spark.stop();
        }
        FileSystem.closeAll(); // s3a instances are cached per bucket and would keep this server's endpoint
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void commitsAndReadsBackOnS3WithoutStoringCredentials() {
        Warehouse warehouse = Warehouse.open(spark, "s3a://" + s3.bucket() + "/warehouse");
        // What a job records as its config: its settings, including the Spark conf it ran with.
        Map<String, Object> config = Map.of(
                "layers", List.of(0, 1),
                "spark_conf", CollectionConverters.asJava(spark.conf().getAll()));

        long first = timed(() -> warehouse
                .begin("s3-run")
                .stage(TableSchemas.CACHE_REPLAY, cacheReplay("s3-run", 0.5))
                .commit(runRecord("s3-run", config)));
        long rerun = timed(() -> warehouse
                .begin("s3-run")
                .stage(TableSchemas.CACHE_REPLAY, cacheReplay("s3-run", 0.75))
                .commit(runRecord("s3-run", config)));
        long readStart = System.nanoTime();
        List<Row> replay = warehouse.readSucceeded(TableSchemas.CACHE_REPLAY).collectAsList();
        System.out.printf(
                "s3a: first commit %d ms, re-run commit %d ms, read back %d ms%n",
                first, rerun, millisSince(readStart));

        assertEquals(
                List.of(RowFactory.create("s3-run", "lru", 8, 0, 100L, 75L, 0.75)), replay, "re-run replaced the row");
        List<Row> runs = warehouse.read(TableSchemas.RUNS).collectAsList();
        assertEquals(1, runs.size());
        RunRecord stored = RunRecord.fromRow(runs.get(0));
        assertEquals("s3-run", stored.runId());
        assertTrue(stored.config().contains("\"spark.hadoop.fs.s3a.endpoint\""), "config kept its other settings");
        // Every column, decoded by Parquet: a scan of S3Mock's raw objects would miss snappy-compressed text.
        String everyColumn = runs.get(0).toString();
        assertFalse(
                everyColumn.contains(ACCESS_KEY) || everyColumn.contains(SECRET_KEY),
                "credentials reached the runs table");
        assertTrue(stored.config().contains("\"spark.hadoop.fs.s3a.secret.key\":\"***\""), "secret key redacted");
    }

    private static Dataset<Row> cacheReplay(String runId, double hitRate) {
        return spark.createDataFrame(
                List.of(RowFactory.create(runId, "lru", 8, 0, 100L, (long) (100 * hitRate), hitRate)),
                TableSchemas.get(TableSchemas.CACHE_REPLAY).schema());
    }

    private static RunRecord runRecord(String runId, Map<String, Object> config) {
        return RunRecord.builder(runId, "cache-replay")
                .configOf(config)
                .startedAt(Instant.now())
                .finishedAt(Instant.now())
                .sparkApplicationId(spark.sparkContext().applicationId())
                .build();
    }

    private static long timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return millisSince(start);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
