package io.moelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.model.ActivationMemory;
import io.moelab.model.WeightMemory;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.MoeConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code inspect}'s memory section: printed after the description, in text with binary units or as JSON bytes. */
class InspectMemoryTest {
    // Surefire runs in jobs/: the bundled model of this checkout.
    private static final Path MODEL = Path.of("").toAbsolutePath().getParent().resolve("models/trained-moe");

    @Test
    void textAppendsTheMemorySectionAfterTheDescription() {
        CliTest.Run r = CliTest.run("inspect", "--model", MODEL.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.indexOf("dtype        BF16") < out.indexOf("memory       "), out);
        // 3,413,120 BF16 parameters: 6,826,240 bytes stored, 13,652,480 as float32.
        assertTrue(out.contains("  float32-held     13.02 MiB"), out);
        assertTrue(out.contains("  RESIDENT         6.70 MiB"), out); // + a 128 KiB widening buffer
        assertTrue(out.contains("activations  estimate per 1,000 tokens in sequences of 2,048"), out);
        assertTrue(out.contains("scores 4 heads × 2,048 per token: 31.25 MiB"), out); // 1,000 × 4 × 2,048 × 4 bytes
    }

    @Test
    void jsonGivesTheSameFiguresInBytes() throws IOException {
        CliTest.Run r = CliTest.run("inspect", "--model", MODEL.toString(), "--json", "--sequence-length", "512");
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        MoeConfig config = MoeConfig.load(MODEL.resolve("config.json"));
        WeightMemory weights;
        try (Checkpoint checkpoint = Checkpoint.open(MODEL)) {
            weights = WeightMemory.of(config, checkpoint);
        }
        ActivationMemory activations = ActivationMemory.of(config, 1_000, 512);
        assertEquals("BF16", json.get("dtype").asText());
        assertEquals(3_413_120, json.at("/parameters/total").asLong());
        assertEquals(weights.resident(), json.at("/weights/resident").asLong());
        assertEquals(weights.streamed(), json.at("/weights/streamed").asLong());
        assertEquals(weights.float32Held(), json.at("/weights/float32_held").asLong());
        assertEquals(
                weights.largestLayer().stored(),
                json.at("/weights/largest_layer/stored").asLong());
        assertEquals(512, json.at("/activations/sequence_length").asInt());
        assertEquals(activations.total(), json.at("/activations/total").asLong());
    }

    @Test
    void anEmptySequenceIsBadInput() {
        CliTest.Run r = CliTest.run("inspect", "--model", MODEL.toString(), "--sequence-length", "0");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("sequence length must be at least 1"), r.err());
    }
}
