package io.moelab.jobs.merge;

import static io.moelab.jobs.merge.MergeModelsCommandTest.BASE;
import static io.moelab.jobs.merge.MergeModelsCommandTest.fineTune;
import static io.moelab.jobs.merge.MergeModelsCommandTest.mergeModels;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.jobs.merge.MergeModelsCommandTest.Run;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.S3MockServer;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.model.checkpoint.DType;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code moelab merge-models} with the merge YAML, the base, two fine-tunes and the output all on
 * {@code s3a://} (S3Mock, its own JVM), run in-process on {@code local[2]} with the s3a settings as
 * {@code spark.hadoop.fs.s3a.*} system properties, as in {@code S3aCalibrationIT}. The merged
 * checkpoint, downloaded, must equal byte for byte the same merge of the same files on local disk
 * (the model card naming the s3a URIs where the local one names paths); each checkpoint is copied
 * to local disk once however many tasks read it; a bad merge leaves nothing in the bucket.
 */
class S3aMergeModelsIT {
    private static final String ACCESS_KEY = "AKIAMOELABMERGEMODEL";
    private static final String SECRET_KEY = "moelab/Merge+Secret/DoNotStore0123456789";
    /** Where {@code ModelStager.executor()} copies remote models. */
    private static final Path STAGING_ROOT = Path.of(System.getProperty("java.io.tmpdir"), "moelab-models");

    private static final String DARE_TIES = """
            merge_method: dare_ties
            base_model: base
            models:
              - model: base
              - model: math
                parameters: {weight: 0.6, density: 0.5}
              - model: code
                parameters: {weight: 0.4}
            parameters: {density: 0.7, normalize: true, rescale: l1, seed: 3}
            """;

    private static S3MockServer s3;
    private static Map<String, String> s3a;
    private static Path dir;
    private static String bucket;

    @BeforeAll
    static void startS3AndUpload() throws IOException, InterruptedException {
        dir = Path.of(System.getProperty("moelab.test.dir", "target"))
                .toAbsolutePath()
                .resolve("s3a-merge-it-" + UUID.randomUUID());
        Path base = Files.createDirectories(dir.resolve("base"));
        Files.copy(BASE.resolve("config.json"), base.resolve("config.json"));
        Files.copy(BASE.resolve("model.safetensors"), base.resolve("model.safetensors"));
        Files.writeString(base.resolve("tokenizer_config.json"), "{\"model_max_length\": 512}\n");
        fineTune(dir, "math", 1, DType.F32, null, null);
        fineTune(dir, "code", 2, DType.BF16, null, null);
        Files.writeString(dir.resolve("merge.yaml"), DARE_TIES);
        Files.writeString(dir.resolve("bad.yaml"), DARE_TIES.replace("model: code", "model: missing"));

        s3 = S3MockServer.start("moelab-merge-" + UUID.randomUUID().toString().substring(0, 8));
        bucket = "s3a://" + s3.bucket();
        s3a = s3.s3aSettings(ACCESS_KEY, SECRET_KEY);
        for (String name : List.of("base", "math", "code", "merge.yaml", "bad.yaml")) {
            upload(dir.resolve(name), "m/" + name);
        }
        s3a.forEach((key, value) -> System.setProperty("spark.hadoop." + key, value));
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
        if (dir != null) {
            FileUtils.deleteDirectory(dir.toFile());
        }
    }

    @Test
    void mergesFromS3ToS3LikeTheSameMergeOnLocalDisk() throws IOException {
        Path local = dir.resolve("out/merged");
        Run run = merge(dir.resolve("merge.yaml").toString(), local.toString(), dir.resolve("warehouse-local"));
        assertEquals(0, run.code(), run.err());

        Set<Path> stagedBefore = staged();
        String output = bucket + "/out/merged";
        Path warehouse = dir.resolve("warehouse-s3");
        run = merge(bucket + "/m/merge.yaml", output, warehouse);
        Set<Path> stagedNow = staged();
        stagedNow.removeAll(stagedBefore);
        try {
            assertEquals(0, run.code(), run.err());
            assertEquals(3, stagedNow.size(), "base, math and code each copied once for all tasks: " + stagedNow);
        } finally {
            for (Path copy : stagedNow) {
                FileUtils.deleteDirectory(copy.toFile());
            }
        }
        assertTrue(run.out().contains(output + ": "), run.out());
        assertFalse((run.out() + run.err()).contains(SECRET_KEY), "the command printed the secret key");
        assertEquals(List.of("merged"), list("out"), "no staging prefix is left beside the output");

        Path downloaded = download(output, dir.resolve("downloaded"));
        List<String> files = names(local);
        assertEquals(files, names(downloaded));
        assertTrue(
                files.contains("model.safetensors.index.json") && files.contains("tokenizer_config.json"),
                files.toString());
        assertTrue(files.size() >= 7, "several shards: " + files);
        for (String name : files) {
            if (!name.equals("README.md")) {
                assertArrayEquals(
                        Files.readAllBytes(local.resolve(name)), Files.readAllBytes(downloaded.resolve(name)), name);
            }
        }
        String card = Files.readString(downloaded.resolve("README.md"));
        assertTrue(card.contains("`" + bucket + "/m/math`"), card);
        assertEquals(Files.readString(local.resolve("README.md")), card.replace(bucket + "/m", dir.toString()));

        SparkSession spark =
                LocalSpark.builder("S3aMergeModelsIT").master("local[1]").getOrCreate();
        try {
            List<Row> runs = Warehouse.open(spark, warehouse.toString())
                    .read(TableSchemas.RUNS)
                    .collectAsList();
            assertEquals(1, runs.size());
            RunRecord record = RunRecord.fromRow(runs.get(0));
            assertEquals(RunRecord.SUCCEEDED, record.status());
            assertEquals(output, record.modelRef());
            assertFalse(runs.get(0).toString().contains(SECRET_KEY), "secret key in the runs row");
            List<String> sources =
                    Warehouse.open(spark, warehouse.toString()).read(TableSchemas.MERGE_PLANS).collectAsList().stream()
                            .map(row -> row.<String>getAs("source_model"))
                            .sorted()
                            .toList();
            assertEquals(List.of(bucket + "/m/code", bucket + "/m/math"), sources);
        } finally {
            spark.stop();
        }

        run = merge(bucket + "/m/merge.yaml", output, dir.resolve("warehouse-again"));
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("--output " + output + ": already exists"), run.err());
    }

    @Test
    void aMissingModelExitsTwoNamingItAndLeavesNothingInTheBucket() throws IOException {
        Run run = merge(bucket + "/m/bad.yaml", bucket + "/out/bad", dir.resolve("warehouse-bad"));
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(bucket + "/m/missing: no such directory"), run.err());
        assertTrue(
                list("out").stream().noneMatch(name -> name.startsWith("bad")),
                list("out").toString());
        assertFalse(Files.exists(dir.resolve("warehouse-bad")), "no table partition");
    }

    private static Run merge(String config, String output, Path warehouse) {
        return mergeModels(
                "--config",
                config,
                "--output",
                output,
                "--max-shard-bytes",
                "300000",
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "merge",
                "--master",
                "local[2]");
    }

    private static FileSystem s3() throws IOException {
        Configuration conf = new Configuration();
        s3a.forEach(conf::set);
        return FileSystem.newInstance(URI.create(bucket + "/"), conf);
    }

    /** Uploads a file, or a folder's files, to {@code key} in the bucket. */
    private static void upload(Path local, String key) throws IOException {
        try (FileSystem fs = s3()) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(local)) {
                try (Stream<Path> list = Files.list(local)) {
                    list.forEach(files::add);
                }
            } else {
                files.add(local);
            }
            for (Path file : files) {
                String target = Files.isDirectory(local) ? key + "/" + file.getFileName() : key;
                fs.copyFromLocalFile(
                        new org.apache.hadoop.fs.Path(file.toUri()),
                        new org.apache.hadoop.fs.Path(bucket + "/" + target));
            }
        }
    }

    private static Path download(String folder, Path local) throws IOException {
        Files.createDirectories(local);
        try (FileSystem fs = s3()) {
            for (FileStatus file : fs.listStatus(new org.apache.hadoop.fs.Path(folder))) {
                fs.copyToLocalFile(
                        false,
                        file.getPath(),
                        new org.apache.hadoop.fs.Path(
                                local.resolve(file.getPath().getName()).toUri()),
                        true);
            }
        }
        return local;
    }

    /** The names right under {@code prefix} in the bucket; none when it does not exist. */
    private static List<String> list(String prefix) throws IOException {
        try (FileSystem fs = s3()) {
            org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(bucket + "/" + prefix);
            if (!fs.exists(path)) {
                return List.of();
            }
            return Stream.of(fs.listStatus(path))
                    .map(status -> status.getPath().getName())
                    .sorted()
                    .toList();
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
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
}
