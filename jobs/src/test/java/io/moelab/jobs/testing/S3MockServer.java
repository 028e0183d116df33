package io.moelab.jobs.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * S3Mock ({@code com.adobe.testing:s3mock:exec}) as a separate JVM on 127.0.0.1, for s3a tests.
 * Its own JVM because its Spring Boot classpath clashes with Spark's.
 *
 * <p>The jar comes from the {@code moelab.s3mock.jar} system property, which the jobs pom sets
 * after copying the jar to {@code target/s3mock/} (phase {@code process-test-resources}). Both of
 * S3Mock's connectors get free ports (the second one defaults to 9090, which a parallel build
 * would collide on); SSL is off; the store lives under {@code target/}; output goes to a log
 * file there. {@link #close()} kills the process hard: a graceful stop makes S3Mock connect to a
 * non-loopback address.
 */
public final class S3MockServer implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private final Process process;
    private final Thread killOnExit;
    private final int port;
    private final String bucket;
    private final Path log;

    private S3MockServer(Process process, int port, String bucket, Path log) {
        this.process = process;
        this.port = port;
        this.bucket = bucket;
        this.log = log;
        this.killOnExit = new Thread(process::destroyForcibly, "s3mock-kill-on-exit");
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** Starts S3Mock, waits until it answers, and creates {@code bucket}. */
    public static S3MockServer start(String bucket) throws IOException, InterruptedException {
        Path jar = Paths.get(System.getProperty("moelab.s3mock.jar", "target/s3mock/s3mock-exec.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Mock jar " + jar + " not found; run the tests through Maven, "
                    + "which copies it in process-test-resources");
        }
        Path work = Paths.get(System.getProperty("moelab.test.dir", "target")).resolve("s3mock-" + UUID.randomUUID());
        Files.createDirectories(work);
        int port = freePort();
        int secondPort = freePort();
        Path log = work.resolve("s3mock.log");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-jar",
                        jar.toString(),
                        "--server.address=127.0.0.1",
                        "--server.port=" + port,
                        "--server.ssl.enabled=false",
                        "--http.port=" + secondPort,
                        "--com.adobe.testing.s3mock.store.root=" + work.resolve("store"),
                        "--com.adobe.testing.s3mock.store.retain-files-on-exit=true"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        S3MockServer server = new S3MockServer(builder.start(), port, bucket, log);
        try {
            server.awaitReady();
            server.createBucket();
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The s3a endpoint, {@code http://127.0.0.1:PORT}. */
    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public String bucket() {
        return bucket;
    }

    /**
     * The Hadoop settings ({@code fs.s3a.*}) that point s3a at this server with the given dummy
     * credentials; prefix each key with {@code spark.hadoop.} to hand them to a Spark session.
     */
    public Map<String, String> s3aSettings(String accessKey, String secretKey) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fs.s3a.endpoint", endpoint());
        settings.put("fs.s3a.endpoint.region", "us-east-1");
        settings.put("fs.s3a.path.style.access", "true");
        settings.put("fs.s3a.connection.ssl.enabled", "false");
        settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        settings.put("fs.s3a.access.key", accessKey);
        settings.put("fs.s3a.secret.key", secretKey);
        settings.put("fs.s3a.attempts.maximum", "2");
        settings.put("fs.s3a.retry.limit", "2");
        return settings;
    }

    /** Where S3Mock keeps the objects, for tests that check what reached its disk. */
    public Path storeRoot() {
        return log.getParent().resolve("store");
    }

    /** The server's log file, for diagnosing failed tests. */
    public Path log() {
        return log;
    }

    /** Kills the server process at once and waits for it to go. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook kills the process anyway.
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Mock exited with code " + process.exitValue() + "; see " + log);
            }
            if (status("GET", "/") == 200) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(
                "S3Mock did not answer on " + endpoint() + " within " + STARTUP_TIMEOUT + "; see " + log);
    }

    private void createBucket() throws IOException {
        int status = status("PUT", "/" + bucket);
        if (status != 200) {
            throw new IllegalStateException(
                    "S3Mock answered HTTP " + status + " to creating bucket " + bucket + "; see " + log);
        }
    }

    /** The HTTP status of an unauthenticated request (S3Mock checks no signatures), or -1 if nothing answers. */
    private int status(String method, String path) {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(endpoint() + path).toURL().openConnection();
            connection.setRequestMethod(method);
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(5000);
            try {
                return connection.getResponseCode();
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return -1;
        }
    }

    private static int freePort() {
        return LoopbackPorts.free();
    }
}
