package io.moelab.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.cli.MoelabCli;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.RunTables;
import io.moelab.jobs.testing.SparkDistribution;
import io.moelab.jobs.testing.SparkEventLog;
import io.moelab.jobs.testing.StandaloneCluster;
import io.moelab.jobs.testing.StandaloneCluster.Submission;
import io.moelab.jobs.warehouse.RunRecord;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code moelab calibrate} as users run it on a cluster: the shaded jar through
 * {@code spark-submit} (client mode) to a real Spark standalone cluster of one master and two
 * one-core workers, every one a JVM of its own on 127.0.0.1, so that the job runs in two executor
 * JVMs that load the jar, ND4J and the model themselves.
 *
 * <p>It checks that the job succeeds there, that its tables equal those of the same command run
 * in-process on {@code local[1]}, and that each executor loaded the model once for all the tasks
 * it ran ({@code ModelCache}): the calibration stage has 6 tasks, the event log says which
 * executor ran each, and each executor's log must hold exactly one "loaded model" line.
 *
 * <p>Executors need a {@code SPARK_HOME}: see {@link SparkDistribution}, which makes one from the
 * Spark jars of the test classpath (links under {@code target/}) and sets {@code SPARK_HOME} and
 * {@code SPARK_SCALA_VERSION} for the daemons. Executors get the module flags and JavaCPP's cache
 * folder through {@code spark.executor.extraJavaOptions}; the driver, which in client mode is the
 * spark-submit JVM itself, gets them on its command line ({@code spark.driver.extraJavaOptions}
 * only takes effect when a launcher script starts that JVM). Runs under Failsafe, after
 * {@code package} has built the jar; everything lives under {@code target/cluster-it-*}.
 */
class StandaloneClusterIT {
    private static final Path PROJECT_ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path MODEL = PROJECT_ROOT.resolve("models/trained-moe");
    private static final Path DATASET = PROJECT_ROOT.resolve("datasets/calibration-mix");
    private static final int PARTITIONS = 6;
    private static final String CALIBRATION_CALL_SITE = "mapPartitions at CalibrationJob.java";
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(8);

    private static Path dir;
    private static Path jobJar;
    private static StandaloneCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException, InterruptedException {
        jobJar = Path.of(System.getProperty("moelab.jobs.jar", "target/moelab-jobs-0.1.0-SNAPSHOT.jar"))
                .toAbsolutePath();
        assertTrue(Files.isRegularFile(jobJar), jobJar + " missing: run through `mvn verify`, which packages it first");
        dir = Path.of(System.getProperty("moelab.test.dir", "target"))
                .toAbsolutePath()
                .resolve("cluster-it-" + UUID.randomUUID());
        long start = System.nanoTime();
        SparkDistribution spark = SparkDistribution.create(dir.resolve("spark-home"), PROJECT_ROOT);
        cluster = StandaloneCluster.start(spark, dir, 2, "1g");
        System.out.printf(
                "standalone cluster (%d Spark jars) up at %s in %d ms, under %s%n",
                spark.jarCount(), cluster.masterUrl(), millisSince(start), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void calibrateOnTwoExecutorsMatchesALocalRunAndLoadsTheModelOncePerExecutor()
            throws IOException, InterruptedException {
        Path clusterWarehouse = dir.resolve("warehouse-cluster");
        Path events = Files.createDirectories(dir.resolve("events"));
        Submission submission = cluster.submit(
                SparkDistribution.nativeLibraryFlags(dir),
                submitArgs(events, calibrateArgs(clusterWarehouse, "cluster")),
                SUBMIT_TIMEOUT);
        System.out.printf(
                "spark-submit finished with %d in %d ms%n",
                submission.exitCode(), submission.elapsed().toMillis());
        assertEquals(0, submission.exitCode(), submission.logTail(100));

        SparkEventLog eventLog = SparkEventLog.readOnly(events);
        assertEquals(Set.of("0", "1"), eventLog.executorIds(), "one executor per worker");
        Set<Integer> calibrationStages = eventLog.stagesWithCallSite(CALIBRATION_CALL_SITE);
        assertEquals(1, calibrationStages.size(), "stages running the model: " + calibrationStages);
        Map<String, Long> tasks = eventLog.successfulTasksPerExecutor(calibrationStages);
        System.out.println("calibration tasks per executor: " + tasks);
        assertEquals(eventLog.executorIds(), tasks.keySet(), "both executors ran the model: " + tasks);
        assertEquals(
                PARTITIONS, tasks.values().stream().mapToLong(Long::longValue).sum());

        Map<String, Path> executorLogs = cluster.executorLogs(eventLog.applicationId());
        assertEquals(eventLog.executorIds(), executorLogs.keySet(), "executor logs under the workers' work folders");
        for (Map.Entry<String, Path> executor : executorLogs.entrySet()) {
            List<String> loads = modelLoads(executor.getValue());
            assertEquals(
                    1,
                    loads.size(),
                    "executor " + executor.getKey() + " ran " + tasks.get(executor.getKey())
                            + " tasks and logged these loads: " + loads + " (log " + executor.getValue() + ")");
            assertTrue(loads.get(0).contains("on cpu") && loads.get(0).contains("(load #1 in this JVM)"), loads.get(0));
        }

        Path localWarehouse = dir.resolve("warehouse-local");
        long localStart = System.nanoTime();
        List<String> local = new ArrayList<>(calibrateArgs(localWarehouse, "local"));
        local.addAll(List.of("--master", "local[1]"));
        StringWriter err = new StringWriter();
        int code = MoelabCli.execute(
                local.toArray(String[]::new), new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        System.out.printf("the same calibrate in-process on local[1]: %d ms%n", millisSince(localStart));

        SparkSession spark = LocalSpark.builder("StandaloneClusterIT").getOrCreate();
        try {
            Map<String, List<String>> onCluster = RunTables.read(spark, clusterWarehouse.toString(), "cluster");
            assertTrue(
                    onCluster
                            .keySet()
                            .containsAll(List.of(
                                    TableSchemas.ROUTING_STATS,
                                    TableSchemas.ROUTING_LAYER_STATS,
                                    TableSchemas.COACTIVATION,
                                    TableSchemas.LAYER_AFFINITY,
                                    TableSchemas.EXPERT_LABELS)),
                    onCluster.keySet().toString());
            assertEquals(
                    RunTables.read(spark, localWarehouse.toString(), "local"),
                    onCluster,
                    "tables differ between the standalone cluster and local[1]");
            List<Row> runs = Warehouse.open(spark, clusterWarehouse.toString())
                    .read(TableSchemas.RUNS)
                    .collectAsList();
            assertEquals(1, runs.size());
            RunRecord run = RunRecord.fromRow(runs.get(0));
            assertEquals(RunRecord.SUCCEEDED, run.status());
            assertEquals(eventLog.applicationId(), run.sparkApplicationId());
        } finally {
            spark.stop();
        }
    }

    /** The calibrate command line of both runs: a small slice of the bundled data in 6 partitions. */
    private static List<String> calibrateArgs(Path warehouse, String runId) {
        return List.of(
                "calibrate",
                "--model",
                MODEL.toString(),
                "--dataset",
                DATASET.toString(),
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
                Integer.toString(PARTITIONS),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                runId);
    }

    /**
     * spark-submit's arguments: two one-core executors of 1 GB, scheduling held back until both
     * have registered (or one could run every task), and an uncompressed event log in {@code events}.
     */
    private static List<String> submitArgs(Path events, List<String> jobArgs) {
        String executorFlags = Stream.concat(
                        SparkDistribution.moduleFlags().stream(), SparkDistribution.nativeLibraryFlags(dir).stream())
                .collect(Collectors.joining(" "));
        List<String> args = new ArrayList<>(List.of(
                "--master",
                cluster.masterUrl(),
                "--deploy-mode",
                "client",
                "--class",
                "io.moelab.cli.MoelabCli",
                "--name",
                "moelab-calibrate-cluster-it",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf",
                "spark.executor.extraJavaOptions=" + executorFlags,
                "--conf",
                "spark.eventLog.enabled=true",
                "--conf",
                "spark.eventLog.compress=false",
                "--conf",
                "spark.eventLog.dir=" + events.toUri(),
                jobJar.toString()));
        args.addAll(jobArgs);
        return args;
    }

    /** The lines of an executor log where ModelCache read {@link #MODEL} from disk. */
    private static List<String> modelLoads(Path executorLog) throws IOException {
        try (Stream<String> lines = Files.lines(executorLog)) {
            return lines.filter(line -> line.contains("ModelCache: loaded model " + MODEL + " "))
                    .collect(Collectors.toList());
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
