package io.moelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code moelab random-checkpoint}: what it writes loads and runs; bad options exit 2 with one line and no output. */
class RandomCheckpointCommandTest {
    private static final Path SHARED = Path.of(System.getProperty("moelab.shared", "../../shared"));

    /** OLMoE's layout (q/k norms over the whole projection, 16 layers) at a width a test can afford. */
    private static final String SMALL_OLMOE = """
            {"model_type": "olmoe", "vocab_size": 128, "hidden_size": 64, "num_hidden_layers": 16,
             "num_attention_heads": 4, "num_key_value_heads": 4, "intermediate_size": 32, "num_experts": 8,
             "num_experts_per_tok": 2, "norm_topk_prob": false, "rms_norm_eps": 1e-5, "rope_theta": 10000.0}""";

    @Test
    void writesATwoLayerOlmoeThatRuns(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("olmoe.json"), SMALL_OLMOE);
        Path output = dir.resolve("olmoe");
        CliTest.Run r = CliTest.run(
                "random-checkpoint", "--config", config.toString(), "--layers", "2", "--output", output.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("wrote " + output + ": olmoe, 2 layers,"), r.out());
        assertFinite(MoeModel.load(output));
        assertEquals(List.of("config.json", "model.safetensors"), names(output));
    }

    @Test
    void shardsAQwenCheckpoint(@TempDir Path dir) throws IOException {
        Path output = dir.resolve("qwen");
        CliTest.Run r = CliTest.run(
                "random-checkpoint",
                "--config",
                SHARED.resolve("fixtures/hf/qwen2_moe/config.json").toString(),
                "--seed",
                "4",
                "--dtype",
                "float16",
                "--max-shard-bytes",
                "200000",
                "--output",
                output.toString());
        assertEquals(0, r.code(), r.err());
        MoeModel model = MoeModel.load(output);
        assertEquals("float16", model.config().torchDtype());
        assertFinite(model);
        assertTrue(
                names(output).contains("model.safetensors.index.json"),
                names(output).toString());
    }

    @Test
    void badOptionsExitTwoWithOneLineAndWriteNothing(@TempDir Path dir) throws IOException {
        Path taken = Files.createDirectories(dir.resolve("taken"));
        Path output = dir.resolve("new");
        assertBadInput(dir, "--output", "random-checkpoint", "--shape", "olmoe-1b-7b", "--output", taken.toString());
        assertBadInput(
                dir, "--shape", "random-checkpoint", "--shape", "deepseek-v2-lite", "--output", output.toString());
        assertBadInput(
                dir,
                "--layers",
                "random-checkpoint",
                "--shape",
                "mixtral-8x7b",
                "--layers",
                "0",
                "--output",
                output.toString());
        assertBadInput(
                dir,
                "--dtype",
                "random-checkpoint",
                "--shape",
                "olmoe-1b-7b",
                "--dtype",
                "int8",
                "--output",
                output.toString());
        assertBadInput(dir, "--shape or --config", "random-checkpoint", "--output", output.toString());
        assertBadInput(
                dir,
                "--config",
                "random-checkpoint",
                "--config",
                dir.resolve("none.json").toString(),
                "--output",
                output.toString());
    }

    private static void assertBadInput(Path dir, String option, String... args) throws IOException {
        CliTest.Run r = CliTest.run(args);
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("moelab random-checkpoint: " + option), r.err());
        assertEquals(List.of("taken"), names(dir), "nothing written");
    }

    private static void assertFinite(MoeModel model) {
        for (float[] row : model.forward(TokenBatch.of(new int[] {1, 7, 42, 3})).logitsOf(0)) {
            for (float logit : row) {
                assertTrue(Float.isFinite(logit), "logit " + logit);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }
}
