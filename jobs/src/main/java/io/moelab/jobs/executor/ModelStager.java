package io.moelab.jobs.executor;

import io.moelab.MoelabInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/**
 * Makes a model directory local. Local paths are used in place; any other Hadoop filesystem
 * ({@code s3a://}, {@code hdfs://}) is copied once per JVM into a folder named by the URI's
 * hash under {@code stagingRoot}: first into a temporary sibling, then renamed, so a task that
 * dies half-way never leaves a partial model that a later task would trust.
 */
public final class ModelStager {
    private final Path stagingRoot;

    private static final ModelStager EXECUTOR =
            new ModelStager(Path.of(System.getProperty("java.io.tmpdir"), "moelab-models"));

    public ModelStager(Path stagingRoot) {
        this.stagingRoot = stagingRoot;
    }

    /** This JVM's stager, under {@code java.io.tmpdir}/moelab-models (an executor's local scratch). */
    public static ModelStager executor() {
        return EXECUTOR;
    }

    public synchronized Path localDirectory(String modelUri, Configuration hadoop) {
        URI uri = URI.create(modelUri);
        if (uri.getScheme() == null || uri.getScheme().equals("file")) {
            Path local = uri.getScheme() == null ? Path.of(modelUri) : Path.of(uri);
            if (!Files.isDirectory(local)) {
                throw new MoelabInputException(modelUri + ": model directory not found");
            }
            return local;
        }
        Path target = stagingRoot.resolve(uriDigest(modelUri));
        if (Files.isDirectory(target)) {
            return target;
        }
        try {
            Files.createDirectories(stagingRoot);
            Path partial = Files.createTempDirectory(stagingRoot, target.getFileName() + ".partial-");
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(modelUri);
            FileSystem fs = remote.getFileSystem(hadoop);
            if (!fs.exists(remote) || !fs.getFileStatus(remote).isDirectory()) {
                throw new MoelabInputException(modelUri + ": model directory not found");
            }
            for (FileStatus file : fs.listStatus(remote)) {
                if (file.isFile()) {
                    fs.copyToLocalFile(
                            false,
                            file.getPath(),
                            new org.apache.hadoop.fs.Path(
                                    partial.resolve(file.getPath().getName()).toUri()),
                            true);
                }
            }
            try {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another executor JVM on this host staged it first: use theirs.
                org.apache.commons.io.FileUtils.deleteDirectory(partial.toFile());
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("staging " + modelUri + " to " + target, e);
        }
    }

    /** A 128-bit SHA-256 prefix of {@code uri}, in hex: a local folder name for what was staged from it. */
    public static String uriDigest(String uri) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
