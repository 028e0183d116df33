package io.moelab.jobs.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and {@code n} workers, each its own JVM on a
 * {@link SparkDistribution}, with free ports, and logs and work folders under one directory. Also
 * runs {@code spark-submit} against it, as a JVM of its own too.
 *
 * <p>Layout under {@code dir}: {@code master.log}, {@code worker-N.log}, {@code worker-N/} (the
 * worker's work folder, where executors keep their jars and logs:
 * {@code worker-N/<app id>/<executor id>/stderr}; their scratch space, {@code SPARK_LOCAL_DIRS}, is
 * {@code worker-N/local}) and {@code submit-N.log}.
 *
 * <p>{@link #close()} kills every JVM started here, executors included (they are the workers'
 * child processes, which a killed worker would leave behind), and a shutdown hook does the same if
 * the test JVM exits first.
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SparkDistribution spark;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> workerDirs = new ArrayList<>();
    private final Thread killOnExit = new Thread(this::killAll, "spark-cluster-kill-on-exit");
    private int masterPort;
    private int masterWebUiPort;
    private int submissions;

    private StandaloneCluster(SparkDistribution spark, Path dir) {
        this.spark = spark;
        this.dir = dir;
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts a master and {@code workers} workers of one core and {@code workerMemory} each, and
     * waits until the master counts every worker as alive.
     */
    public static StandaloneCluster start(SparkDistribution spark, Path dir, int workers, String workerMemory)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        StandaloneCluster cluster = new StandaloneCluster(spark, dir);
        try {
            cluster.startMaster();
            for (int i = 0; i < workers; i++) {
                cluster.startWorker(i, workerMemory);
            }
            cluster.awaitAliveWorkers(workers);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    /**
     * Runs {@code spark-submit} with {@code args} (everything after {@code spark-submit}, the
     * master included) in a JVM with {@code jvmFlags}, which in client mode is also the driver's;
     * waits for it at most {@code timeout}.
     */
    public Submission submit(List<String> jvmFlags, List<String> args, Duration timeout)
            throws IOException, InterruptedException {
        Path log = dir.resolve("submit-" + submissions++ + ".log");
        Process process = start(spark.java("1g", jvmFlags, "org.apache.spark.deploy.SparkSubmit", args), log);
        long start = System.nanoTime();
        boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
            kill(process);
            throw new IllegalStateException("spark-submit still running after " + timeout + "; see " + log);
        }
        return new Submission(process.exitValue(), log, Duration.ofNanos(System.nanoTime() - start));
    }

    /** An executor's stderr (its log) for each executor id of application {@code appId}, on any worker. */
    public Map<String, Path> executorLogs(String appId) throws IOException {
        Map<String, Path> logs = new TreeMap<>();
        for (Path workerDir : workerDirs) {
            Path appDir = workerDir.resolve(appId);
            if (!Files.isDirectory(appDir)) {
                continue;
            }
            try (Stream<Path> executors = Files.list(appDir)) {
                executors
                        .filter(executor -> Files.isRegularFile(executor.resolve("stderr")))
                        .forEach(executor -> logs.put(executor.getFileName().toString(), executor.resolve("stderr")));
            }
        }
        return logs;
    }

    /**
     * Kills every JVM of the cluster (executors first), waits for them to go, and deletes the job
     * jars the executors fetched into the work folders (the size of the jar each); logs stay.
     */
    @Override
    public void close() {
        killAll();
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException e) {
            // The JVM is shutting down; the hook has run or runs now.
        }
        deleteFetchedJars();
    }

    private void deleteFetchedJars() {
        for (Path workerDir : workerDirs) {
            try (Stream<Path> files = Files.walk(workerDir)) {
                for (Path jar :
                        files.filter(file -> file.toString().endsWith(".jar")).toList()) {
                    Files.deleteIfExists(jar);
                }
            } catch (IOException e) {
                System.err.println("could not delete the jars under " + workerDir + ": " + e);
            }
        }
    }

    private void startMaster() throws IOException, InterruptedException {
        masterPort = LoopbackPorts.free();
        masterWebUiPort = LoopbackPorts.free();
        start(
                spark.java(
                        "512m",
                        List.of(),
                        "org.apache.spark.deploy.master.Master",
                        List.of(
                                "--host",
                                "127.0.0.1",
                                "--port",
                                Integer.toString(masterPort),
                                "--webui-port",
                                Integer.toString(masterWebUiPort))),
                dir.resolve("master.log"));
    }

    private void startWorker(int index, String memory) throws IOException {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + index));
        workerDirs.add(workDir);
        ProcessBuilder worker = spark.java(
                "512m",
                List.of(),
                "org.apache.spark.deploy.worker.Worker",
                List.of(
                        masterUrl(),
                        "--host",
                        "127.0.0.1",
                        "--cores",
                        "1",
                        "--memory",
                        memory,
                        "--webui-port",
                        Integer.toString(LoopbackPorts.free()),
                        "--work-dir",
                        workDir.toString()));
        // Executors' scratch (shuffle files, fetched jars): under the work folder, not /tmp.
        worker.environment()
                .put(
                        "SPARK_LOCAL_DIRS",
                        Files.createDirectories(workDir.resolve("local")).toString());
        start(worker, dir.resolve("worker-" + index + ".log"));
    }

    private synchronized Process start(ProcessBuilder builder, Path log) throws IOException {
        Process process =
                builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(process);
        return process;
    }

    /** Polls the master's JSON status page until it is ALIVE with {@code workers} alive workers. */
    private void awaitAliveWorkers(int workers) throws InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        URI status = URI.create("http://127.0.0.1:" + masterWebUiPort + "/json/");
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            "a Spark daemon exited with code " + process.exitValue() + "; see " + dir);
                }
            }
            try {
                JsonNode master = JSON.readTree(status.toURL());
                long alive = 0;
                for (JsonNode worker : master.path("workers")) {
                    alive += "ALIVE".equals(worker.path("state").asText()) ? 1 : 0;
                }
                if ("ALIVE".equals(master.path("status").asText()) && alive == workers) {
                    return;
                }
            } catch (IOException notYet) {
                // The master's web UI is not up yet.
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "the master did not see " + workers + " alive workers within " + STARTUP_TIMEOUT + "; see " + dir);
    }

    private synchronized void killAll() {
        for (Process process : processes) {
            kill(process);
        }
    }

    /** Kills a process and its descendants (a worker's executors), then waits for them. */
    private static void kill(Process process) {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // Gone or stuck; nothing more a test can do.
            }
        }
    }

    /** A finished spark-submit: its exit code, its log (driver output included) and how long it ran. */
    public record Submission(int exitCode, Path log, Duration elapsed) {
        /** The last {@code lines} lines of the log, for assertion messages. */
        public String logTail(int lines) {
            try {
                List<String> all = Files.readAllLines(log);
                return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
