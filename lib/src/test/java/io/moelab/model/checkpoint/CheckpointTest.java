package io.moelab.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path tmp;

    /** A copy of the mixtral fixture made with the writer, into {@code dir}, single file or sharded. */
    private static void writeMixtral(Path dir, long maxShardBytes) {
        try (SafetensorsFile source = SafetensorsFile.open(Fixtures.mixtral())) {
            SafetensorsWriter writer = new SafetensorsWriter(source.metadata());
            for (TensorInfo info : source.tensors().values()) {
                writer.addRaw(info.name(), info.dtype(), info.shape(), source.rawBytes(info.name()));
            }
            writer.writeSharded(dir, maxShardBytes);
        }
    }

    @Test
    void shardedCheckpointReadsTheSameFloatsAsTheSingleFile() throws Exception {
        Path sharded = tmp.resolve("sharded");
        writeMixtral(sharded, 300_000);
        try (Stream<Path> files = Files.list(sharded)) {
            assertTrue(files.filter(p -> p.toString().endsWith(".safetensors")).count() > 1);
        }
        assertTrue(Files.exists(sharded.resolve("model-00001-of-00007.safetensors")));
        assertFalse(Files.exists(sharded.resolve("model.safetensors")));
        JsonNode index = new ObjectMapper()
                .readTree(sharded.resolve("model.safetensors.index.json").toFile());
        assertEquals(
                Files.size(Fixtures.mixtral()) - 8 - 7472,
                index.path("metadata").path("total_size").asLong());

        try (Checkpoint single = Checkpoint.open(Fixtures.mixtral().getParent());
                Checkpoint shards = Checkpoint.open(sharded)) {
            assertEquals(single.tensorNames(), shards.tensorNames());
            for (String name : single.tensorNames()) {
                String shardName = shards.fileOf(name).getFileName().toString();
                assertEquals(index.path("weight_map").path(name).asText(), shardName);
                assertArrayEquals(
                        single.floats(name),
                        shards.floats(name, single.info(name).shape()),
                        name);
            }
            assertEquals(DType.F32, shards.dominantDType());
        }
    }

    @Test
    void oneShardIsWrittenAsPlainModelSafetensors() {
        Path dir = tmp.resolve("one");
        writeMixtral(dir, Long.MAX_VALUE);
        assertTrue(Files.exists(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.index.json")));
    }

    @Test
    void opensTheOnlySafetensorsFileOfADirectory() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("named"));
        new SafetensorsWriter(Map.of())
                .add("w", DType.BF16, new long[] {2}, new float[] {1f, 2f})
                .write(dir.resolve("weights.safetensors"));
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertArrayEquals(new float[] {1f, 2f}, checkpoint.floats("w", 2));
            assertEquals(DType.BF16, checkpoint.dominantDType());
            FloatBuffer into = FloatBuffer.allocate(2);
            checkpoint.floatsInto("w", into, 2);
            assertArrayEquals(new float[] {1f, 2f}, into.array());
        }
    }

    @Test
    void trainedCheckpointIsMostlyBf16() {
        try (Checkpoint checkpoint = Checkpoint.open(Fixtures.trainedMoe().getParent())) {
            assertEquals(127, checkpoint.tensorNames().size());
            assertEquals(DType.BF16, checkpoint.dominantDType());
        }
    }

    @Test
    void missingTensorNamesTheCheckpointAndTensor() {
        Path dir = Fixtures.mixtral().getParent();
        try (Checkpoint checkpoint = Checkpoint.open(dir)) {
            assertFalse(checkpoint.has("model.layers.0.mlp.gate.weight"));
            MoelabInputException e = assertThrows(
                    MoelabInputException.class, () -> checkpoint.floats("model.layers.0.mlp.gate.weight", 8, 64));
            assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("missing tensor 'model.layers.0.mlp.gate.weight'"), e.getMessage());
        }
    }

    @Test
    void wrongShapeNamesFileTensorAndBothShapes() {
        try (Checkpoint checkpoint = Checkpoint.open(Fixtures.mixtral().getParent())) {
            String gate = "model.layers.0.block_sparse_moe.gate.weight";
            MoelabInputException e = assertThrows(MoelabInputException.class, () -> checkpoint.floats(gate, 4, 64));
            assertTrue(
                    e.getMessage()
                            .endsWith("model.safetensors: tensor '" + gate + "' has shape [8, 64], expected [4, 64]"),
                    e.getMessage());
            assertTrue(e.getMessage().startsWith(Fixtures.mixtral().toString()), e.getMessage());
        }
    }

    @Test
    void directoryWithOnlyPickledWeightsIsRefusedWithAConversionHint() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("pickled"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, '}', '.'});
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().startsWith(dir.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("pickled PyTorch weights"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains(
                                "from_pretrained('" + dir + "').save_pretrained('OUT', " + "safe_serialization=True)"),
                e.getMessage());
    }

    @Test
    void emptyDirectoryHasNoWeights() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("empty"));
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Checkpoint.open(dir));
        assertTrue(
                e.getMessage().startsWith(dir.toString()) && e.getMessage().contains("no weights found"),
                e.getMessage());
    }

    @Test
    void missingDirectory() {
        Path dir = tmp.resolve("nowhere");
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("no such directory"), e.getMessage());
    }

    @Test
    void indexMayNotPointOutsideTheDirectory() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("escape"));
        Files.writeString(
                dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"w\":\"../elsewhere.safetensors\"}}");
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> Checkpoint.open(dir));
        assertTrue(e.getMessage().contains("tensor 'w'") && e.getMessage().contains("file name in"), e.getMessage());
    }
}
