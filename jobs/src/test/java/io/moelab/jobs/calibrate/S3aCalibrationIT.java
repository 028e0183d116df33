package io.moelab.jobs.calibrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.cli.MoelabCli;
import io.moelab.jobs.executor.ModelCache;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.RunTables;
import io.moelab.jobs.testing.S3MockServer;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code moelab calibrate} with model, dataset and warehouse all on {@code s3a://} (S3Mock, its own
 * JVM), run in-process on {@code local[2]}. Credentials reach the job only as standard Hadoop
 * settings: {@code spark.hadoop.fs.s3a.*} system properties, which the command's
 * {@code SparkSession.builder()} picks up like any {@code spark.*} system property.
 *
 * <p>Checks that the tables equal those of the same command on local files, that the {@code runs}
 * row holds neither key, and that the model was copied to local disk once and loaded once
 * ({@code ModelStager}, {@code ModelCache}) though the driver and six tasks all use it. The bucket
 * name is unique per run, so the staged copy is this run's own and not one left by an earlier run.
 */
class S3aCalibrationIT {
    // Dummy values (S3Mock checks no signatures), distinctive enough to search for.
    private static final String ACCESS_KEY = "AKIAMOELABCALIBRATE1";
    private static final String SECRET_KEY = "moelab/Calibrate+Secret/DoNotStore0123456789";
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path MODEL = PROJECT_ROOT.resolve("models/trained-moe");
    private static final Path DATASET_FILE = PROJECT_ROOT.resolve("datasets/calibration-mix/calibration-mix.jsonl");
    /** Where {@code ModelStager.executor()} copies remote models. */
    private static final Path STAGING_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "moelab-models");

    private static S3MockServer s3;
    private static Map<String, String> s3a;

    @BeforeAll
    static void startS3AndUpload() throws IOException, InterruptedException {
        long start = System.nanoTime();
        s3 = S3MockServer.start(
                "moelab-calibrate-" + UUID.randomUUID().toString().substring(0, 8));
        s3a = s3.s3aSettings(ACCESS_KEY, SECRET_KEY);
        upload(MODEL, "models/trained-moe");
        upload(DATASET_FILE, "data/calibration-mix.jsonl");
        s3a.forEach((key, value) -> System.setProperty("spark.hadoop." + key, value));
        System.out.printf("S3Mock up and model and dataset uploaded in %d ms%n", millisSince(start));
    }

    @AfterAll
    static void stopS3() throws IOException {
        if (s3a != null) {
            s3a.keySet().forEach(key -> System.clearProperty("spark.hadoop." + key));
        }
        FileSystem.closeAll(); // s3a instances are cached per bucket and would keep this server's endpoint
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void calibratesFromS3IntoAnS3WarehouseLikeALocalRunWithoutStoringCredentials() throws IOException {
        String bucket = "s3a://" + s3.bucket();
        String warehouse = bucket + "/warehouse";
        String modelUri = bucket + "/models/trained-moe";
        Set<Path> stagedBefore = staged();
        long loadsBefore = ModelCache.executor().loads();
        long start = System.nanoTime();
        String output = calibrate(modelUri, bucket + "/data/calibration-mix.jsonl", warehouse, "on-s3");
        System.out.printf("calibrate on s3a: %d ms%n", millisSince(start));
        Set<Path> stagedNow = staged();
        stagedNow.removeAll(stagedBefore);
        try {
            assertEquals(
                    1, ModelCache.executor().loads() - loadsBefore, "the driver and all tasks shared one loaded model");
            assertEquals(1, stagedNow.size(), "one staged copy of the model: " + stagedNow);
            assertSameFiles(MODEL, stagedNow.iterator().next());
        } finally {
            for (Path copy : stagedNow) {
                FileUtils.deleteDirectory(copy.toFile());
            }
        }
        assertFalse(output.contains(SECRET_KEY), "the command printed the secret key");

        Path localWarehouse = Path.of(System.getProperty("moelab.test.dir", "target"))
                .toAbsolutePath()
                .resolve("s3a-calibration-it-" + UUID.randomUUID())
                .resolve("warehouse");
        start = System.nanoTime();
        calibrate(MODEL.toString(), DATASET_FILE.toString(), localWarehouse.toString(), "on-disk");
        System.out.printf("the same calibrate on local files: %d ms%n", millisSince(start));

        SparkSession spark = LocalSpark.builder("S3aCalibrationIT").getOrCreate();
        try {
            start = System.nanoTime();
            Map<String, List<String>> fromS3 = RunTables.read(spark, warehouse, "on-s3");
            assertTrue(
                    fromS3.containsKey(TableSchemas.ROUTING_STATS),
                    fromS3.keySet().toString());
            assertEquals(
                    RunTables.read(spark, localWarehouse.toString(), "on-disk"),
                    fromS3,
                    "tables differ between the s3a and the local run");

            List<Row> runs =
                    Warehouse.open(spark, warehouse).read(TableSchemas.RUNS).collectAsList();
            System.out.printf("read back from s3a and compared in %d ms%n", millisSince(start));
            assertEquals(1, runs.size());
            RunRecord run = RunRecord.fromRow(runs.get(0));
            assertEquals(RunRecord.SUCCEEDED, run.status());
            assertEquals(modelUri, run.modelRef());
            // Every column, decoded by Parquet: a scan of S3Mock's raw objects would miss compressed text.
            String everyColumn = runs.get(0).toString();
            assertFalse(everyColumn.contains(ACCESS_KEY), "access key in the runs row: " + run.config());
            assertFalse(everyColumn.contains(SECRET_KEY), "secret key in the runs row: " + run.config());
        } finally {
            spark.stop();
        }
    }

    /** Runs {@code moelab calibrate} on {@code local[2]} over a small slice; returns what it printed. */
    private static String calibrate(String model, String dataset, String warehouse, String runId) {
        List<String> args = List.of(
                "calibrate",
                "--model",
                model,
                "--dataset",
                dataset,
                "--id-column",
                "id",
                "--label-column",
                "label",
                "--max-documents",
                "24",
                "--sequence-length",
                "128",
                "--batch-size",
                "4",
                "--partitions",
                "6",
                "--warehouse",
                warehouse,
                "--run-id",
                runId,
                "--master",
                "local[2]");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code =
                MoelabCli.execute(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, "calibrate " + String.join(" ", args) + ": " + err);
        return out + "\n" + err;
    }

    /** Uploads a file, or a folder's files, to {@code key} in the bucket through s3a. */
    private static void upload(Path local, String key) throws IOException {
        Configuration conf = new Configuration();
        s3a.forEach(conf::set);
        URI bucket = URI.create("s3a://" + s3.bucket() + "/");
        try (FileSystem fs = FileSystem.newInstance(bucket, conf)) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(local)) {
                try (Stream<Path> list = Files.list(local)) {
                    list.filter(Files::isRegularFile).forEach(files::add);
                }
            } else {
                files.add(local);
            }
            for (Path file : files) {
                String target = Files.isDirectory(local) ? key + "/" + file.getFileName() : key;
                fs.copyFromLocalFile(
                        new org.apache.hadoop.fs.Path(file.toUri()),
                        new org.apache.hadoop.fs.Path(bucket.resolve(target)));
            }
        }
    }

    /** The model copies in the stager's folder, partial ones included. */
    private static Set<Path> staged() throws IOException {
        if (!Files.isDirectory(STAGING_ROOT)) {
            return new HashSet<>();
        }
        try (Stream<Path> list = Files.list(STAGING_ROOT)) {
            return list.collect(Collectors.toCollection(HashSet::new));
        }
    }

    private static void assertSameFiles(Path expected, Path actual) throws IOException {
        assertEquals(fileNames(expected), fileNames(actual), "files of the staged model");
        for (String name : fileNames(expected)) {
            assertArrayEquals(
                    Files.readAllBytes(expected.resolve(name)), Files.readAllBytes(actual.resolve(name)), name);
        }
    }

    private static Set<String> fileNames(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(path -> path.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
