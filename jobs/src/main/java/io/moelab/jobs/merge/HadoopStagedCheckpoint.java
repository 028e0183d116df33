package io.moelab.jobs.merge;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A merged checkpoint written to a Hadoop file system such as s3a: each task writes its shard to
 * local disk and uploads it into the staging prefix {@code <output>.staging-<runId>-<nonce>}
 * beside the output; the driver writes the small files there directly; publishing renames the
 * prefix to the output (on s3a: a copy of every object, then a delete of the staged ones). An
 * upload appears whole or not at all, so a retried task simply uploads its shard again.
 */
final class HadoopStagedCheckpoint extends StagedCheckpoint {
    private static final Logger LOG = LoggerFactory.getLogger(HadoopStagedCheckpoint.class);

    private final FileSystem fs;
    private final Path output;
    private Path staging;

    private HadoopStagedCheckpoint(FileSystem fs, Path output) {
        this.fs = fs;
        this.output = output;
    }

    static HadoopStagedCheckpoint forOutput(String output, Configuration hadoop) {
        Path path = new Path(output);
        FileSystem fs;
        Path qualified;
        boolean exists;
        try {
            fs = path.getFileSystem(hadoop);
            qualified = fs.makeQualified(path);
            exists = fs.exists(qualified);
        } catch (IOException e) {
            throw new MoelabInputException(
                    "--output " + output + ": cannot reach its file system: " + e.getMessage(), e);
        }
        if (exists) {
            throw alreadyExists(qualified.toString());
        }
        return new HadoopStagedCheckpoint(fs, qualified);
    }

    @Override
    String output() {
        return output.toString();
    }

    @Override
    String name() {
        return output.getName();
    }

    @Override
    void begin(String runId) {
        staging = new Path(
                output.getParent(),
                output.getName() + ".staging-" + runId + "-"
                        + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    ShardSink shardSink() {
        return new Sink(staging.toString());
    }

    /** Writes a shard to a local temporary folder, then uploads it (an object appears only when complete). */
    private record Sink(String staging) implements ShardSink {
        @Override
        public void put(String fileName, SafetensorsWriter shard, Configuration hadoop) throws IOException {
            java.nio.file.Path local = Files.createTempDirectory("moelab-merge-shard-");
            try {
                java.nio.file.Path file = local.resolve(fileName);
                shard.write(file);
                Path target = new Path(staging, fileName);
                target.getFileSystem(hadoop).copyFromLocalFile(true, true, new Path(file.toUri()), target);
            } finally {
                ModelDirectory.deleteTree(local);
            }
        }
    }

    @Override
    void write(String fileName, byte[] content) throws IOException {
        try (OutputStream out = fs.create(new Path(staging, fileName), true)) {
            out.write(content);
        }
    }

    @Override
    void copy(java.nio.file.Path localFile, String fileName) throws IOException {
        fs.copyFromLocalFile(false, true, new Path(localFile.toUri()), new Path(staging, fileName));
    }

    @Override
    void publish() throws IOException {
        // Checked again: a rename onto an existing directory would move the staging folder into it.
        if (fs.exists(output)) {
            throw alreadyExists(output.toString());
        }
        try {
            if (!fs.rename(staging, output)) {
                throw new IOException("renaming " + staging + " to " + output + " failed");
            }
        } catch (IOException | RuntimeException e) {
            unpublish(); // a rename that failed part way can leave some objects at the output
            throw e;
        }
    }

    @Override
    void discard() {
        if (staging == null) {
            return;
        }
        delete(staging, "staging folder");
    }

    @Override
    void unpublish() {
        delete(output, "output");
    }

    private void delete(Path path, String what) {
        try {
            fs.delete(path, true);
        } catch (IOException e) {
            LOG.warn("could not delete the {} {}: {}", what, path, e.toString());
        }
    }
}
