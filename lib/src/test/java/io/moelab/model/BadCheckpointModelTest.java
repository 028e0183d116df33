package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading a checkpoint that does not fit its config fails with a message naming the file and tensor. */
class BadCheckpointModelTest {
    private static final Path MIXTRAL = SharedFixtures.hf("mixtral");

    @Test
    void missingExpertTensorIsNamed(@TempDir Path dir) throws IOException {
        String missing = "model.layers.1.block_sparse_moe.experts.3.w2.weight";
        copyMixtral(dir, missing, null, config -> config);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> MoeModel.load(dir));
        assertTrue(
                e.getMessage().contains(dir.toString()) && e.getMessage().contains("missing tensor '" + missing + "'"),
                e.getMessage());
    }

    @Test
    void wrongShapedRouterIsNamedWithBothShapes(@TempDir Path dir) throws IOException {
        String router = "model.layers.0.block_sparse_moe.gate.weight";
        copyMixtral(dir, router, new Replacement(new long[] {7, 64}, new float[7 * 64]), config -> config);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> MoeModel.load(dir));
        assertTrue(
                e.getMessage().contains("model.safetensors")
                        && e.getMessage().contains("'" + router + "'")
                        && e.getMessage().contains("[7, 64]")
                        && e.getMessage().contains("[8, 64]"),
                e.getMessage());
    }

    @Test
    void expertCountDisagreeingWithWeightsIsNamed(@TempDir Path dir) throws IOException {
        copyMixtral(dir, null, null, config -> {
            assertTrue(config.contains("\"num_local_experts\": 8"), config);
            return config.replace("\"num_local_experts\": 8", "\"num_local_experts\": 6");
        });
        // The router is the first tensor whose shape depends on the expert count.
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> MoeModel.load(dir));
        assertTrue(
                e.getMessage().contains("'model.layers.0.block_sparse_moe.gate.weight'")
                        && e.getMessage().contains("[8, 64]")
                        && e.getMessage().contains("[6, 64]"),
                e.getMessage());
    }

    private record Replacement(long[] shape, float[] values) {}

    /**
     * Copies the mixtral fixture into {@code dir}, dropping tensor {@code changed} (or replacing it
     * when {@code replacement} is given) and editing config.json.
     */
    private static void copyMixtral(Path dir, String changed, Replacement replacement, UnaryOperator<String> editConfig)
            throws IOException {
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        try (Checkpoint checkpoint = Checkpoint.open(MIXTRAL)) {
            for (String name : checkpoint.tensorNames()) {
                if (!name.equals(changed)) {
                    writer.add(
                            name,
                            checkpoint.info(name).dtype(),
                            checkpoint.info(name).shape(),
                            checkpoint.floats(name));
                } else if (replacement != null) {
                    writer.add(name, checkpoint.info(name).dtype(), replacement.shape(), replacement.values());
                }
            }
        }
        writer.write(dir.resolve("model.safetensors"));
        Files.writeString(
                dir.resolve("config.json"), editConfig.apply(Files.readString(MIXTRAL.resolve("config.json"))));
    }
}
