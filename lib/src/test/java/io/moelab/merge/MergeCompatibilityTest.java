package io.moelab.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.model.checkpoint.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The architecture check on headers-only checkpoints (a config.json and a few tensors), and
 * {@link CheckpointMerge} reading tensors of mixed dtypes.
 */
class MergeCompatibilityTest {
    private static final String CONFIG = """
            {"model_type": "mixtral", "vocab_size": 16, "hidden_size": 8, "num_hidden_layers": 1,
             "num_attention_heads": 2, "num_key_value_heads": 1, "intermediate_size": 4,
             "num_local_experts": 2, "num_experts_per_tok": 1}""";

    @TempDir
    Path dir;

    private static Map<String, long[]> tensors() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("model.norm.weight", new long[] {8});
        shapes.put("model.layers.0.block_sparse_moe.gate.weight", new long[] {2, 8});
        shapes.put("lm_head.weight", new long[] {16, 8});
        return shapes;
    }

    private Path checkpoint(String name, String config, Map<String, long[]> shapes, DType dtype, long seed)
            throws IOException {
        Path model = Files.createDirectories(dir.resolve(name));
        Files.writeString(model.resolve("config.json"), config);
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        Random random = new Random(seed);
        shapes.forEach((tensor, shape) -> {
            float[] values = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int j = 0; j < values.length; j++) {
                values[j] = (float) random.nextGaussian();
            }
            writer.add(tensor, dtype, shape, values);
        });
        writer.write(model.resolve("model.safetensors"));
        return model;
    }

    private MergeConfig ties(Path base, Path... models) {
        StringBuilder yaml = new StringBuilder("merge_method: ties\nbase_model: " + base + "\nmodels:\n");
        for (Path model : models) {
            yaml.append("  - model: ").append(model).append("\n    parameters: {weight: 1, density: 0.5}\n");
        }
        return MergeConfig.parse(yaml.toString(), dir.resolve("merge.yaml"));
    }

    private static void assertRejected(MergeConfig config, String... expectedInMessage) {
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> MergeCompatibility.check(config));
        for (String expected : expectedInMessage) {
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        }
    }

    @Test
    void matchingCheckpointsGiveTheBasesTensorsByName() throws IOException {
        Path base = checkpoint("base", CONFIG, tensors(), DType.BF16, 1);
        Path model = checkpoint("a", CONFIG, tensors(), DType.F32, 2);
        List<TensorInfo> merged = MergeCompatibility.check(ties(base, model));
        assertEquals(
                List.of("lm_head.weight", "model.layers.0.block_sparse_moe.gate.weight", "model.norm.weight"),
                merged.stream().map(TensorInfo::name).toList());
        assertEquals(DType.BF16, merged.get(0).dtype(), "the base's dtype");
    }

    @Test
    void differentArchitecturesAreRejected() throws IOException {
        Path base = checkpoint("base", CONFIG, tensors(), DType.F32, 1);
        Path fewerExperts = checkpoint(
                "a", CONFIG.replace("\"num_local_experts\": 2", "\"num_local_experts\": 3"), tensors(), DType.F32, 2);
        assertRejected(
                ties(base, fewerExperts),
                fewerExperts.resolve("config.json").toString(),
                "number of experts is 3",
                "has 2");
        Path otherFamily = checkpoint(
                "b",
                CONFIG.replace("\"mixtral\"", "\"olmoe\"").replace("num_local_experts", "num_experts"),
                tensors(),
                DType.F32,
                3);
        assertRejected(ties(base, otherFamily), "model_type is olmoe", "mixtral");
    }

    @Test
    void aBaseMissingATensorIsRejected() throws IOException {
        Map<String, long[]> fewer = tensors();
        fewer.remove("lm_head.weight");
        Path base = checkpoint("base", CONFIG, fewer, DType.F32, 1);
        Path model = checkpoint("a", CONFIG, tensors(), DType.F32, 2);
        assertRejected(ties(base, model), base + ": missing tensor 'lm_head.weight' that " + model + " has");
    }

    @Test
    void aModelMissingATensorIsRejected() throws IOException {
        Map<String, long[]> fewer = tensors();
        fewer.remove("model.norm.weight");
        Path base = checkpoint("base", CONFIG, tensors(), DType.F32, 1);
        Path model = checkpoint("a", CONFIG, fewer, DType.F32, 2);
        assertRejected(
                ties(base, model), model + ": missing tensor 'model.norm.weight' that the base " + base + " has");
    }

    @Test
    void aShapeMismatchIsRejected() throws IOException {
        Map<String, long[]> other = tensors();
        other.put("model.norm.weight", new long[] {2, 4});
        Path base = checkpoint("base", CONFIG, tensors(), DType.F32, 1);
        Path model = checkpoint("a", CONFIG, other, DType.F32, 2);
        assertRejected(ties(base, model), model + ": tensor 'model.norm.weight' has shape [2, 4], but the base", "[8]");
    }

    @Test
    void checkpointMergeReadsEveryDtypeAsFloat32() throws IOException {
        Path base = checkpoint("base", CONFIG, tensors(), DType.BF16, 1);
        Path first = checkpoint("a", CONFIG, tensors(), DType.F16, 2);
        Path second = checkpoint("b", CONFIG, tensors(), DType.F32, 3);
        MergeConfig config = ties(base, first, second);
        try (CheckpointMerge merge = CheckpointMerge.open(config);
                Checkpoint b = Checkpoint.open(base);
                Checkpoint m1 = Checkpoint.open(first);
                Checkpoint m2 = Checkpoint.open(second)) {
            for (String name : tensors().keySet()) {
                assertArrayEquals(
                        config.newMethod().merge(name, b.floats(name), List.of(m1.floats(name), m2.floats(name))),
                        merge.tensor(name),
                        name);
            }
        }
    }
}
