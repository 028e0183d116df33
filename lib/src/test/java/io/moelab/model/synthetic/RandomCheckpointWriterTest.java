package io.moelab.model.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random checkpoints load and run, are deterministic per seed, and shard without changing a tensor. */
class RandomCheckpointWriterTest {
    private static final int[] IDS = {3, 17, 42, 5, 60};

    @Test
    void everyFamilyLoadsAndRunsWithFiniteLogits(@TempDir Path dir) {
        for (String json : TinyConfigs.ALL) {
            RandomCheckpointWriter writer = RandomCheckpointWriter.of(json, "tiny", OptionalInt.empty(), 7, DType.BF16);
            Path output = dir.resolve(writer.config().family().modelType());
            writer.write(output, 5_000_000_000L);
            MoeModel model = MoeModel.load(output);
            assertEquals("bfloat16", model.config().torchDtype());
            for (float[] row : model.forward(TokenBatch.of(IDS)).logitsOf(0)) {
                for (float logit : row) {
                    assertTrue(Float.isFinite(logit), output + ": logit " + logit);
                }
            }
        }
    }

    @Test
    void layersOverrideKeepsEverythingElse(@TempDir Path dir) {
        String fiveLayers = TinyConfigs.OLMOE.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 5");
        RandomCheckpointWriter writer = RandomCheckpointWriter.of(fiveLayers, "tiny", OptionalInt.of(2), 1, DType.BF16);
        writer.write(dir.resolve("olmoe"), 5_000_000_000L);
        MoeConfig written = MoeConfig.load(dir.resolve("olmoe/config.json"));
        MoeConfig expected =
                MoeConfig.fromJson(TinyConfigs.OLMOE.replace("}", ", \"torch_dtype\": \"bfloat16\"}"), "x");
        assertEquals(expected, written);
        assertEquals(2, MoeModel.load(dir.resolve("olmoe")).config().layers().numLayers());
    }

    @Test
    void float32CheckpointIsTheRandomlyInitialisedModel(@TempDir Path dir) {
        Path output = dir.resolve("qwen");
        RandomCheckpointWriter.of(TinyConfigs.QWEN2_MOE, "tiny", OptionalInt.empty(), 11, DType.F32)
                .write(output, 5_000_000_000L);
        MoeModel loaded = MoeModel.load(output);
        MoeModel inMemory = MoeModel.randomlyInitialised(loaded.config(), 11);
        float[][] expected = inMemory.forward(TokenBatch.of(IDS)).logitsOf(0);
        float[][] actual = loaded.forward(TokenBatch.of(IDS)).logitsOf(0);
        for (int t = 0; t < IDS.length; t++) {
            assertArrayEquals(expected[t], actual[t], "token " + t);
        }
    }

    @Test
    void shardsHoldTheSameTensorsAsOneFile(@TempDir Path dir) throws IOException {
        RandomCheckpointWriter writer =
                RandomCheckpointWriter.of(TinyConfigs.MIXTRAL, "tiny", OptionalInt.empty(), 3, DType.BF16);
        writer.write(dir.resolve("single"), 5_000_000_000L);
        writer.write(dir.resolve("sharded"), writer.dataBytes() / 5);
        assertTrue(Files.isRegularFile(dir.resolve("single/model.safetensors")));
        assertTrue(Files.isRegularFile(dir.resolve("sharded/model.safetensors.index.json")));
        assertTrue(
                modelFiles(dir.resolve("sharded")).size() >= 5,
                modelFiles(dir.resolve("sharded")).toString());
        try (Checkpoint single = Checkpoint.open(dir.resolve("single"));
                Checkpoint sharded = Checkpoint.open(dir.resolve("sharded"))) {
            assertEquals(single.tensorNames(), sharded.tensorNames());
            for (String name : single.tensorNames()) {
                assertEquals(single.info(name).dtype(), sharded.info(name).dtype(), name);
                assertArrayEquals(single.info(name).shape(), sharded.info(name).shape(), name);
                assertArrayEquals(single.floats(name), sharded.floats(name), name); // bf16 widens exactly
            }
        }
    }

    @Test
    void sameSeedWritesIdenticalBytesAndAnotherSeedOthers(@TempDir Path dir) throws IOException {
        RandomCheckpointWriter.of(TinyConfigs.OLMOE, "tiny", OptionalInt.empty(), 5, DType.BF16)
                .write(dir.resolve("a"), 5_000_000_000L);
        RandomCheckpointWriter.of(TinyConfigs.OLMOE, "tiny", OptionalInt.empty(), 5, DType.BF16)
                .write(dir.resolve("b"), 5_000_000_000L);
        RandomCheckpointWriter.of(TinyConfigs.OLMOE, "tiny", OptionalInt.empty(), 6, DType.BF16)
                .write(dir.resolve("c"), 5_000_000_000L);
        for (String file : List.of("config.json", "model.safetensors")) {
            assertEquals(
                    -1,
                    Files.mismatch(
                            dir.resolve("a").resolve(file), dir.resolve("b").resolve(file)),
                    file);
        }
        assertNotEquals(-1, Files.mismatch(dir.resolve("a/model.safetensors"), dir.resolve("c/model.safetensors")));
    }

    @Test
    void refusesAnExistingOutputAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path output = Files.createDirectories(dir.resolve("taken"));
        RandomCheckpointWriter writer =
                RandomCheckpointWriter.of(TinyConfigs.OLMOE, "tiny", OptionalInt.empty(), 5, DType.BF16);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> writer.write(output, 1000));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(output), files.toList());
        }
    }

    @Test
    void aConfigMoelabCannotLoadIsBadInput() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> RandomCheckpointWriter.of(
                        "{\"model_type\": \"llama\"}", "my.json", OptionalInt.empty(), 0, DType.BF16));
        assertTrue(e.getMessage().startsWith("my.json: model_type 'llama'"), e.getMessage());
    }

    private static List<Path> modelFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
        }
    }
}
