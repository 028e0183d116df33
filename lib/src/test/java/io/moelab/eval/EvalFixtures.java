package io.moelab.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.eval.task.MultipleChoiceInstance;
import io.moelab.eval.task.RollingInstance;
import io.moelab.eval.task.RollingInstance.WindowStrategy;
import io.moelab.model.MoeModel;
import io.moelab.model.SharedFixtures;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.policy.EvalPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The bundled trained model and the datasets-fixture files, as evaluation tests use them. */
final class EvalFixtures {
    static final EvalPolicy NATIVE = new EvalPolicy.Routed("native", NativeRouting.INSTANCE);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static MoeModel trained;

    private EvalFixtures() {}

    /** models/trained-moe of this checkout (Surefire runs in lib/), loaded once per JVM. */
    static synchronized MoeModel trainedModel() {
        if (trained == null) {
            trained = MoeModel.load(Path.of("").toAbsolutePath().getParent().resolve("models/trained-moe"));
        }
        return trained;
    }

    static JsonNode evalResults() {
        return read(SharedFixtures.trainedMoe().resolve("eval_results.json"));
    }

    /** A datasets-fixture MC task as lm-eval builds it with {@code target_delimiter: ""}. */
    static List<MultipleChoiceInstance> multipleChoice(String task) {
        List<MultipleChoiceInstance> instances = new ArrayList<>();
        for (JsonNode row : jsonl(SharedFixtures.shared().resolve("datasets-fixture/mc/" + task + ".jsonl"))) {
            List<String> choices = new ArrayList<>();
            row.get("choices").forEach(c -> choices.add(c.asText()));
            String context = row.get("context").asText();
            instances.add(new MultipleChoiceInstance(
                    row.get("id").asText(),
                    Collections.nCopies(choices.size(), context),
                    choices,
                    choices,
                    row.get("gold").asInt()));
        }
        return instances;
    }

    /** The test split of a text domain as whole documents, cut as the model card does. */
    static List<RollingInstance> testDocuments(String domain, WindowStrategy windows, int maxLength) {
        List<RollingInstance> instances = new ArrayList<>();
        for (JsonNode row : jsonl(SharedFixtures.shared().resolve("datasets-fixture/text/" + domain + ".test.jsonl"))) {
            String text = row.get("text").asText();
            long words = text.isBlank() ? 0 : text.strip().split("\\s+").length;
            instances.add(new RollingInstance(
                    row.get("id").asText(),
                    text,
                    words,
                    text.getBytes(StandardCharsets.UTF_8).length,
                    windows,
                    maxLength));
        }
        return instances;
    }

    private static List<JsonNode> jsonl(Path file) {
        try {
            List<JsonNode> rows = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
