package io.moelab.jobs.merge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.merge.MergeConfig;
import io.moelab.model.checkpoint.ModelDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The merged checkpoint while it is built: a hidden staging folder beside the output directory,
 * filled by the shard tasks and the driver, then renamed into place in one step. Until
 * {@link #publish} nothing exists at the output path; {@link #discard} removes the staging folder.
 */
final class StagedCheckpoint {
    private static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(StagedCheckpoint.class);

    private final Path output;
    private final Path staging;

    private StagedCheckpoint(Path output, Path staging) {
        this.output = output;
        this.staging = staging;
    }

    /**
     * Checks that {@code output} can be created (a local path that does not exist yet) without
     * creating anything.
     */
    static Path checkOutput(String output) {
        if (output.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new MoelabInputException("--output " + output + ": merge-models writes a local directory (on a"
                    + " file system every executor sees); copy it to object storage afterwards");
        }
        Path path = Path.of(output).toAbsolutePath().normalize();
        if (Files.exists(path)) {
            throw new MoelabInputException("--output " + path + ": already exists; merge-models writes a new"
                    + " directory (remove it or choose another path)");
        }
        return path;
    }

    /** Creates the staging folder for {@code output} (checked by {@link #checkOutput}). */
    static StagedCheckpoint create(Path output, String runId) {
        Path staging = output.resolveSibling("." + output.getFileName() + "." + runId + "-"
                + UUID.randomUUID().toString().substring(0, 8) + ".staging");
        try {
            Files.createDirectories(staging);
        } catch (IOException e) {
            throw new MoelabInputException(staging + ": cannot create the staging directory: " + e, e);
        }
        return new StagedCheckpoint(output, staging);
    }

    Path staging() {
        return staging;
    }

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
        JSON.writerWithDefaultPrettyPrinter()
                .writeValue(staging.resolve(INDEX_FILE).toFile(), index);
    }

    /**
     * The reference's config.json ({@code torch_dtype} set to the output dtype when the config names
     * one) and whichever of {@link ModelDirectory#COMPANION_FILES} it has.
     */
    void copyModelFiles(MergeConfig config) throws IOException {
        Path reference = config.reference();
        Path configJson = reference.resolve("config.json");
        if (config.dtype() == null) {
            Files.copy(configJson, staging.resolve("config.json"));
        } else {
            ObjectNode tree = (ObjectNode) JSON.readTree(configJson.toFile());
            tree.put("torch_dtype", config.dtype().torchName());
            JSON.writerWithDefaultPrettyPrinter()
                    .writeValue(staging.resolve("config.json").toFile(), tree);
        }
        ModelDirectory.copyCompanionFiles(reference, staging);
    }

    void writeModelCard(String text) throws IOException {
        Files.writeString(staging.resolve("README.md"), text);
    }

    /** Renames the staging folder to the output path, atomically. */
    void publish() throws IOException {
        Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Deletes the staging folder if it is still there; a failure to do so is logged, not thrown over the job's own error. */
    void discard() {
        try {
            ModelDirectory.deleteTree(staging);
        } catch (UncheckedIOException e) {
            LOG.warn(
                    "could not delete the staging folder {}: {}",
                    staging,
                    e.getCause().toString());
        }
    }
}
