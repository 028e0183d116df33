package io.moelab.model.checkpoint;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or {@code model.safetensors.index.json}
 * with the shards its {@code weight_map} names, or the directory's only {@code *.safetensors} file (in that order of
 * preference, as transformers does). Pickled PyTorch weights are refused with instructions to convert them.
 */
public final class Checkpoint implements AutoCloseable {

    static final String SINGLE_FILE = "model.safetensors";
    static final String INDEX_FILE = "model.safetensors.index.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> fileByTensor;

    private Checkpoint(Path directory, List<SafetensorsFile> files, Map<String, SafetensorsFile> fileByTensor) {
        this.directory = directory;
        this.files = files;
        this.fileByTensor = fileByTensor;
    }

    /**
     * Opens the checkpoint in {@code dir}, validating every file it uses.
     *
     * @throws MoelabInputException for a missing directory, no weights, only pickled weights, several safetensors
     *     files without an index, a bad index, or any invalid safetensors file
     */
    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new MoelabInputException(dir + ": " + (Files.exists(dir) ? "is not a directory" : "no such directory")
                    + " (expected a Hugging Face model directory with " + SINGLE_FILE + ")");
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return fromFiles(dir, List.of(single));
        }
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return fromIndex(dir, index);
        }
        List<Path> entries = list(dir);
        List<Path> safetensors = entries.stream()
                .filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                .toList();
        if (safetensors.size() == 1) {
            return fromFiles(dir, safetensors);
        }
        if (safetensors.size() > 1) {
            throw new MoelabInputException(dir + ": has " + safetensors.size() + " .safetensors files but no "
                    + INDEX_FILE + " saying which tensor lives in which");
        }
        if (entries.stream().anyMatch(PickledWeights::isPickled)) {
            throw PickledWeights.refusal(dir, dir);
        }
        throw new MoelabInputException(
                dir + ": no weights found (expected " + SINGLE_FILE + ", or " + INDEX_FILE + " with its shards)");
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new MoelabInputException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static Checkpoint fromFiles(Path dir, List<Path> paths) {
        Map<Path, SafetensorsFile> opened = openAll(paths);
        Map<String, SafetensorsFile> fileByTensor = new LinkedHashMap<>();
        for (SafetensorsFile file : opened.values()) {
            file.tensors().keySet().forEach(name -> fileByTensor.put(name, file));
        }
        return new Checkpoint(dir, List.copyOf(opened.values()), Collections.unmodifiableMap(fileByTensor));
    }

    private static Checkpoint fromIndex(Path dir, Path index) {
        Map<String, Path> shardByTensor = readWeightMap(dir, index);
        Map<Path, SafetensorsFile> opened =
                openAll(shardByTensor.values().stream().distinct().toList());
        // Expose exactly the index's tensors, each from the shard the index names.
        Map<String, SafetensorsFile> fileByTensor = new LinkedHashMap<>();
        for (Map.Entry<String, Path> entry : shardByTensor.entrySet()) {
            SafetensorsFile shard = opened.get(entry.getValue());
            if (!shard.tensors().containsKey(entry.getKey())) {
                opened.values().forEach(SafetensorsFile::close);
                throw new MoelabInputException(index + ": weight_map puts tensor '" + entry.getKey() + "' in "
                        + entry.getValue().getFileName() + ", which does not contain it");
            }
            fileByTensor.put(entry.getKey(), shard);
        }
        return new Checkpoint(dir, List.copyOf(opened.values()), Collections.unmodifiableMap(fileByTensor));
    }

    /** Opens every path, or none: a failure closes those already open. */
    private static Map<Path, SafetensorsFile> openAll(List<Path> paths) {
        Map<Path, SafetensorsFile> opened = new LinkedHashMap<>();
        try {
            for (Path path : paths) {
                opened.put(path, SafetensorsFile.open(path));
            }
            return opened;
        } catch (RuntimeException e) {
            opened.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static Map<String, Path> readWeightMap(Path dir, Path index) {
        JsonNode weightMap;
        try {
            weightMap = JSON.readTree(index.toFile()).path("weight_map");
        } catch (JacksonException e) {
            throw new MoelabInputException(index + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MoelabInputException(index + ": cannot read: " + e.getMessage(), e);
        }
        if (!weightMap.isObject() || weightMap.isEmpty()) {
            throw new MoelabInputException(index + ": expected a non-empty \"weight_map\" object of tensor -> file");
        }
        Map<String, Path> shardByTensor = new LinkedHashMap<>();
        Path root = dir.toAbsolutePath().normalize();
        for (Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            Path shard =
                    entry.getValue().isTextual() ? dir.resolve(entry.getValue().textValue()) : null;
            // The index comes from the internet: a shard name must not reach outside the model directory.
            if (shard == null || !shard.toAbsolutePath().normalize().getParent().equals(root)) {
                throw new MoelabInputException(index + ": weight_map entry for tensor '" + entry.getKey()
                        + "' must be a file name in " + dir + ", found " + entry.getValue());
            }
            shardByTensor.put(entry.getKey(), shard);
        }
        return shardByTensor;
    }

    public Path directory() {
        return directory;
    }

    /** All tensor names, in file (or index) order. */
    public Set<String> tensorNames() {
        return fileByTensor.keySet();
    }

    public boolean has(String name) {
        return fileByTensor.containsKey(name);
    }

    /** The tensor's header entry; unknown names are a {@link MoelabInputException} naming the directory and tensor. */
    public TensorInfo info(String name) {
        return fileFor(name).info(name);
    }

    /** The safetensors file that holds the tensor. */
    public Path fileOf(String name) {
        return fileFor(name).path();
    }

    /**
     * The tensor as float32 values after checking its shape.
     *
     * @param expectedShape the shape the caller needs; empty skips the check
     * @throws MoelabInputException for a missing tensor or a different shape, naming file, tensor and both shapes
     */
    public float[] floats(String name, long... expectedShape) {
        checkShape(name, expectedShape);
        return fileFor(name).readFloats(name);
    }

    /** As {@link #floats}, into {@code dst} from its position (see {@link SafetensorsFile#readFloatsInto}). */
    public void floatsInto(String name, FloatBuffer dst, long... expectedShape) {
        checkShape(name, expectedShape);
        fileFor(name).readFloatsInto(name, dst);
    }

    /**
     * The tensor's bytes as stored (little-endian, its {@link TensorInfo#dtype()}), a read-only view
     * of the mapped file, after checking its shape as {@link #floats} does.
     */
    public ByteBuffer storedBytes(String name, long... expectedShape) {
        checkShape(name, expectedShape);
        return fileFor(name).rawBytes(name);
    }

    /** The dtype most tensors have (for {@code inspect}); ties go to the first in {@link DType} order. */
    public DType dominantDType() {
        Map<DType, Integer> counts = new EnumMap<>(DType.class);
        for (String name : fileByTensor.keySet()) {
            counts.merge(info(name).dtype(), 1, Integer::sum);
        }
        DType dominant = DType.F32;
        for (DType type : DType.values()) {
            if (counts.getOrDefault(type, 0) > counts.getOrDefault(dominant, 0)) {
                dominant = type;
            }
        }
        return dominant;
    }

    private void checkShape(String name, long[] expectedShape) {
        TensorInfo info = info(name);
        if (expectedShape.length > 0 && !Arrays.equals(info.shape(), expectedShape)) {
            throw new MoelabInputException(fileOf(name) + ": tensor '" + name + "' has shape " + info.shapeString()
                    + ", expected " + Arrays.toString(expectedShape));
        }
    }

    private SafetensorsFile fileFor(String name) {
        SafetensorsFile file = fileByTensor.get(name);
        if (file == null) {
            throw new MoelabInputException(directory + ": missing tensor '" + name + "'");
        }
        return file;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
