package io.moelab.jobs.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * The merged checkpoint while it is built: a staging folder beside the output, filled by the shard
 * tasks ({@link #shardSink}) and the driver, then moved to the output path in one step
 * ({@link #publish}). Until then nothing exists at the output path; {@link #discard} removes the
 * staging folder. A local output ({@link LocalStagedCheckpoint}) is renamed atomically; one on a
 * Hadoop file system such as s3a ({@link HadoopStagedCheckpoint}) by that file system's rename,
 * which on s3a copies every object and then deletes the staged ones.
 */
abstract class StagedCheckpoint {
    private static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a Spark task hands its finished shard to the staging folder. */
    interface ShardSink extends Serializable {
        /** Writes {@code shard} as {@code fileName} into the staging folder, replacing an earlier attempt's. */
        void put(String fileName, SafetensorsWriter shard, Configuration hadoop) throws IOException;
    }

    /**
     * Checks that {@code output} can be created (it does not exist yet; a URI carries no
     * credentials) without creating anything.
     *
     * @throws MoelabInputException naming {@code output} if it exists or cannot be reached
     */
    static StagedCheckpoint forOutput(String output, Configuration hadoop) {
        HadoopUris.requireNoUserInfo("--output", output);
        return HadoopUris.isRemote(output)
                ? HadoopStagedCheckpoint.forOutput(output, hadoop)
                : LocalStagedCheckpoint.forOutput(HadoopUris.localPath(output));
    }

    static MoelabInputException alreadyExists(String output) {
        return new MoelabInputException("--output " + output + ": already exists; merge-models writes a new"
                + " directory (remove it or choose another path)");
    }

    /** The output path or URI, as printed and recorded as the run's {@code model_ref}. */
    abstract String output();

    /** The output folder's own name, which titles the model card. */
    abstract String name();

    /** Creates the staging folder, named after the output and the run. */
    abstract void begin(String runId) throws IOException;

    abstract ShardSink shardSink();

    /** Writes a file of the checkpoint into the staging folder. */
    abstract void write(String fileName, byte[] content) throws IOException;

    /** Copies a local file into the staging folder. */
    abstract void copy(Path localFile, String fileName) throws IOException;

    /** Moves the staging folder to the output path. */
    abstract void publish() throws IOException;

    /** Deletes the staging folder if it is still there; a failure to do so is logged, not thrown over the job's own error. */
    abstract void discard();

    /** Deletes the published output again, when the run it belongs to could not be recorded. */
    abstract void unpublish();

    /** transformers' index of a sharded checkpoint: total bytes and which file holds each tensor (sorted). */
    void writeIndex(List<OutputShard> shards) throws IOException {
        Map<String, String> weightMap = new TreeMap<>();
        long totalSize = 0;
        for (OutputShard shard : shards) {
            for (OutputShard.Tensor tensor : shard.tensors()) {
                weightMap.put(tensor.name(), shard.fileName());
                totalSize += tensor.bytes();
            }
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("metadata", Map.of("total_size", totalSize));
        index.put("weight_map", weightMap);
        write(INDEX_FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(index));
    }

    /**
     * The reference's config.json ({@code torch_dtype} set to {@code dtype} when not null) and whichever
     * of {@link ModelDirectory#COMPANION_FILES} it has.
     *
     * @param reference a local directory with the reference checkpoint's config and tokenizer files
     */
    void copyModelFiles(Path reference, DType dtype) throws IOException {
        Path configJson = reference.resolve("config.json");
        if (dtype == null) {
            copy(configJson, "config.json");
        } else {
            ObjectNode tree = (ObjectNode) JSON.readTree(configJson.toFile());
            tree.put("torch_dtype", dtype.torchName());
            write("config.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
        }
        for (String name : ModelDirectory.COMPANION_FILES) {
            Path file = reference.resolve(name);
            if (Files.isRegularFile(file)) {
                copy(file, name);
            }
        }
    }

    void writeModelCard(String text) throws IOException {
        write("README.md", text.getBytes(StandardCharsets.UTF_8));
    }
}
