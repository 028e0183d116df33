package io.moelab.model.synthetic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.ModelDirectory;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.moe.MoeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Writes a Hugging Face model directory of seeded random weights ({@link SeededInit}) for a config: {@code config.json}
 * and the safetensors weights of {@link TensorLayout}, sharded with an index as {@code save_pretrained} does. Tensors
 * are generated while they are written, a chunk at a time, so memory stays small whatever the checkpoint's size; the
 * files are byte-identical for the same config, seed and dtype. Everything is written into a staging directory beside
 * the output and renamed into place last, so a failure leaves no partial checkpoint.
 */
public final class RandomCheckpointWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode configJson;
    private final MoeConfig config;
    private final Map<String, long[]> tensors;
    private final long seed;
    private final DType dtype;

    private RandomCheckpointWriter(ObjectNode configJson, MoeConfig config, long seed, DType dtype) {
        this.configJson = configJson;
        this.config = config;
        this.tensors = TensorLayout.of(config);
        this.seed = seed;
        this.dtype = dtype;
    }

    /**
     * A writer for {@code configJson} with {@code num_hidden_layers} replaced by {@code layers} when given (every other
     * field kept) and {@code torch_dtype} set to {@code dtype}.
     *
     * @param source names the config in error messages
     * @throws MoelabInputException naming {@code source} when the config, so changed, is not one moelab loads
     */
    public static RandomCheckpointWriter of(
            String configJson, String source, OptionalInt layers, long seed, DType dtype) {
        JsonNode root;
        try {
            root = JSON.readTree(configJson);
        } catch (JsonProcessingException e) {
            throw new MoelabInputException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode object)) {
            throw new MoelabInputException(source + ": expected a JSON object");
        }
        layers.ifPresent(n -> object.put("num_hidden_layers", n));
        object.put("torch_dtype", dtype.torchName());
        MoeConfig config = MoeConfig.fromJson(object.toString(), source);
        return new RandomCheckpointWriter(object, config, seed, dtype);
    }

    /** The config the checkpoint is written for. */
    public MoeConfig config() {
        return config;
    }

    /** Bytes of tensor data the checkpoint holds, without headers and config.json. */
    public long dataBytes() {
        return tensors.values().stream()
                .mapToLong(shape -> elementCount(shape) * dtype.byteSize())
                .sum();
    }

    /**
     * Writes the model directory {@code output}, which must not exist, starting a new safetensors shard whenever the
     * next tensor would take the current one past {@code maxShardBytes}.
     *
     * @throws MoelabInputException if {@code output} exists or a file cannot be written
     */
    public void write(Path output, long maxShardBytes) {
        ModelDirectory.writeStaged(output, staging -> {
            Files.writeString(staging.resolve("config.json"), JSON.writeValueAsString(configJson));
            SeededInit init = new SeededInit(seed);
            SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
            tensors.forEach((name, shape) -> writer.addStreamed(name, dtype, shape, () -> init.values(name)));
            writer.writeSharded(staging, maxShardBytes);
        });
    }

    private static long elementCount(long[] shape) {
        long count = 1;
        for (long dim : shape) {
            count = Math.multiplyExact(count, dim);
        }
        return count;
    }
}
