package io.moelab.compress.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.model.FloatTensor;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a compressed model as a Hugging Face model directory: {@code config.json} updated,
 * {@code model.safetensors} (sharded with an index past {@code maxShardBytes}), the source's
 * tokenizer and generation files, {@code skip-betas.json} for the {@code skip} routing policy, and
 * a model card (README.md) saying how it was made. Everything is written into a staging directory
 * next to the output and renamed into place last, so a failure leaves no partial checkpoint.
 */
public final class CompressedCheckpoint {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What the model card says besides the plan. */
    public record Provenance(
            String method,
            Map<String, Object> parameters,
            int targetExperts,
            String statsRun,
            String calibration,
            String inputs,
            String producedBy) {}

    private CompressedCheckpoint() {}

    public static void write(
            CompressedModel model,
            Map<Integer, Double> skipBetas,
            Provenance provenance,
            Path output,
            long maxShardBytes) {
        ModelDirectory.writeStaged(output, staging -> {
            Files.writeString(staging.resolve("config.json"), JSON.writeValueAsString(model.configJson()));
            SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
            for (Map.Entry<String, FloatTensor> tensor : model.tensors().entrySet()) {
                writer.add(
                        tensor.getKey(),
                        model.dtype(),
                        tensor.getValue().shape(),
                        tensor.getValue().values());
            }
            writer.writeSharded(staging, maxShardBytes);
            ModelDirectory.copyCompanionFiles(model.source().directory(), staging);
            writeSkipBetas(staging.resolve("skip-betas.json"), skipBetas);
            Files.writeString(staging.resolve("README.md"), ModelCard.text(model, provenance));
        });
    }

    private static void writeSkipBetas(Path file, Map<Integer, Double> skipBetas) throws IOException {
        Map<String, Double> betas = new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
        skipBetas.forEach((layer, beta) -> {
            if (!beta.isNaN()) {
                betas.put(String.valueOf(layer), beta);
            }
        });
        if (betas.size() == skipBetas.size() && !betas.isEmpty()) {
            ObjectNode root = JSON.createObjectNode();
            root.set("betas", JSON.valueToTree(betas));
            Files.writeString(file, JSON.writeValueAsString(root));
        }
    }
}
