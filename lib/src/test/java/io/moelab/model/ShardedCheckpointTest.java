package io.moelab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.moe.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint split into shards with an index loads to the same model as the single file. */
class ShardedCheckpointTest {

    @Test
    void shardedMixtralGivesIdenticalLogits(@TempDir Path dir) throws IOException {
        Path original = SharedFixtures.hf("mixtral");
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        try (Checkpoint checkpoint = Checkpoint.open(original)) {
            for (String name : checkpoint.tensorNames()) {
                writer.add(
                        name,
                        checkpoint.info(name).dtype(),
                        checkpoint.info(name).shape(),
                        checkpoint.floats(name));
            }
        }
        writer.writeSharded(dir, 400_000); // the fixture is 1.8 MB: five shards
        Files.copy(original.resolve("config.json"), dir.resolve("config.json"));
        try (Stream<Path> files = Files.list(dir)) {
            long shards = files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                    .count();
            assertTrue(shards >= 3, shards + " shards");
        }
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors.index.json")));

        int[] ids = SharedFixtures.ints(
                SharedFixtures.vectors(original).get("cases").get(2).get("input_ids"));
        float[][] expected = MoeModel.load(original).forward(TokenBatch.of(ids)).logitsOf(0);
        float[][] actual = MoeModel.load(dir).forward(TokenBatch.of(ids)).logitsOf(0);
        assertEquals(0.0, HalfPrecisionCheckpointTest.maxAbsDiff(expected, actual));
    }
}
