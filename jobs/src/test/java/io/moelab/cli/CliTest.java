package io.moelab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI contract checked from outside: output layout, figures, exit codes and one-line errors. */
class CliTest {
    private static final Path SHARED = Path.of(System.getProperty("moelab.shared", "../../shared"));

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = MoelabCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void inspectDescribesTheTrainedModel() {
        Run r = run("inspect", "--model", SHARED.resolve("fixtures/trained-moe").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("family       mixtral"), r.out());
        assertTrue(r.out().contains("layers       4 (MoE: 0,1,2,3; dense: none)"), r.out());
        assertTrue(r.out().contains("8 routed per MoE layer, top-2, gates renormalised"), r.out());
        // The model card's count: 3,413,120 parameters.
        assertTrue(r.out().contains("3,413,120 total"), r.out());
        assertTrue(r.out().contains("dtype        BF16"), r.out());
    }

    @Test
    void inspectShowsQwenSharedExpertAndBias() {
        Run r = run(
                "inspect", "--model", SHARED.resolve("fixtures/hf/qwen2_moe").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("shared       width 96, sigmoid-gated"), r.out());
        assertTrue(r.out().contains("raw softmax probabilities"), r.out());
    }

    @Test
    void forwardWritesTheFixtureLayoutAndMatchesTransformers(@TempDir Path dir) throws IOException {
        Path model = SHARED.resolve("fixtures/hf/mixtral");
        JsonNode reference = new ObjectMapper()
                .readTree(model.resolve("vectors.json").toFile())
                .get("cases")
                .get(1);
        StringBuilder ids = new StringBuilder();
        reference
                .get("input_ids")
                .forEach(id -> ids.append(ids.length() == 0 ? "" : ",").append(id.asInt()));
        Path out = dir.resolve("out.json");
        Run r = run("forward", "--model", model.toString(), "--input-ids", ids.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode written = new ObjectMapper().readTree(out.toFile());
        for (String key : new String[] {"logits", "router_logits", "layer_outputs", "topk_weights"}) {
            assertEquals(shape(reference.get(key)), shape(written.get(key)), key + " shape");
            assertTrue(
                    maxAbsDiff(reference.get(key), written.get(key)) <= 1e-5,
                    key + " differs by " + maxAbsDiff(reference.get(key), written.get(key)));
        }
        assertEquals(reference.get("topk_experts"), written.get("topk_experts"));
        assertFalse(Files.exists(dir.resolve("out.json.partial")));
    }

    @Test
    void badInputExitsTwoWithOneLine(@TempDir Path dir) throws IOException {
        Path model = SHARED.resolve("fixtures/hf/mixtral");
        Path out = dir.resolve("o.json");
        assertBadInput(
                run("forward", "--model", model.toString(), "--input-ids", "1,999", "--output", out.toString()),
                "token id 999");
        assertBadInput(
                run("forward", "--model", model.toString(), "--input-ids", "1,x", "--output", out.toString()),
                "--input-ids");
        assertBadInput(run("inspect", "--model", dir.resolve("nowhere").toString()), "config.json");
        Path weird = Files.createDirectories(dir.resolve("weird"));
        Files.writeString(weird.resolve("config.json"), "{\"model_type\": \"llama\"}");
        assertBadInput(
                run("inspect", "--model", weird.toString()),
                "model_type 'llama' is not supported; supported: mixtral, qwen2_moe, qwen3_moe, olmoe, deepseek");
        Path pickled = Files.createDirectories(dir.resolve("pickled"));
        Files.copy(model.resolve("config.json"), pickled.resolve("config.json"));
        Files.write(pickled.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        assertBadInput(
                run("forward", "--model", pickled.toString(), "--input-ids", "1", "--output", out.toString()),
                "pickled PyTorch weights");
        assertFalse(Files.exists(out), "no output after a failure");
    }

    private static void assertBadInput(Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    private static String shape(JsonNode node) {
        StringBuilder shape = new StringBuilder();
        while (node.isArray()) {
            shape.append(node.size()).append(' ');
            node = node.get(0);
        }
        return shape.toString();
    }

    private static double maxAbsDiff(JsonNode a, JsonNode b) {
        if (!a.isArray()) {
            return Math.abs(a.asDouble() - b.asDouble());
        }
        double worst = 0;
        for (int i = 0; i < a.size(); i++) {
            worst = Math.max(worst, maxAbsDiff(a.get(i), b.get(i)));
        }
        return worst;
    }
}
