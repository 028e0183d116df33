package io.moelab.jobs.merge;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A merged checkpoint written to a local directory (on a file system every executor sees): the
 * tasks write their shards straight into a hidden staging folder beside it, which is renamed to
 * the output atomically.
 */
final class LocalStagedCheckpoint extends StagedCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(LocalStagedCheckpoint.class);

    private final Path output;
    private Path staging;

    private LocalStagedCheckpoint(Path output) {
        this.output = output;
    }

    static LocalStagedCheckpoint forOutput(Path output) {
        Path path = output.toAbsolutePath().normalize();
        if (Files.exists(path)) {
            throw alreadyExists(path.toString());
        }
        return new LocalStagedCheckpoint(path);
    }

    @Override
    String output() {
        return output.toString();
    }

    @Override
    String name() {
        return output.getFileName().toString();
    }

    @Override
    void begin(String runId) {
        staging = output.resolveSibling("." + output.getFileName() + "." + runId + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".staging");
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new MoelabInputException(staging + ": cannot create the staging directory: " + e, e);
        }
    }

    @Override
    ShardSink shardSink() {
        return new Sink(staging.toString());
    }

    /** Writes a shard in place; it appears atomically ({@link SafetensorsWriter}), so a retried task simply writes it again. */
    private record Sink(String staging) implements ShardSink {
        @Override
        public void put(String fileName, SafetensorsWriter shard, Configuration hadoop) {
            shard.write(Path.of(staging, fileName));
        }
    }

    @Override
    void write(String fileName, byte[] content) throws IOException {
        Files.write(staging.resolve(fileName), content);
    }

    @Override
    void copy(Path localFile, String fileName) throws IOException {
        Files.copy(localFile, staging.resolve(fileName));
    }

    @Override
    void publish() throws IOException {
        Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    void discard() {
        if (staging == null) {
            return;
        }
        try {
            ModelDirectory.deleteTree(staging);
        } catch (UncheckedIOException e) {
            LOG.warn(
                    "could not delete the staging folder {}: {}",
                    staging,
                    e.getCause().toString());
        }
    }

    @Override
    void unpublish() {
        ModelDirectory.deleteTree(output);
    }
}
