package io.moelab.eval.task;

import static io.moelab.eval.task.TaskFiles.doc;
import static io.moelab.eval.task.TaskFiles.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Data paths, resolved configuration and serialisation of a task definition. */
class TaskDefinitionTest {
    private static final String TASK = String.join(
            "\n",
            "task: t",
            "dataset:",
            "  format: parquet",
            "  data_files:",
            "    test: [t/test-*.parquet, /abs/extra.parquet]",
            "    train: s3a://bucket/t/train/*.parquet",
            "test_split: test",
            "fewshot_split: train",
            "num_fewshot: 1",
            "id_column: uid",
            "output_type: generate_until",
            "doc_to_text: '{{q}}'",
            "doc_to_target: '{{a}}'");

    @Test
    void relativePathsResolveAgainstTheTaskFileOrTheDataRoot(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.yaml"), TASK);
        assertEquals(
                Map.of(
                        "test",
                        List.of(dir.resolve("t/test-*.parquet").toString(), "/abs/extra.parquet"),
                        "train",
                        List.of("s3a://bucket/t/train/*.parquet")),
                TaskDefinition.load(file).data().splits());
        assertEquals(
                List.of("s3a://data/eval/t/test-*.parquet", "/abs/extra.parquet"),
                TaskDefinition.load(file, Optional.of("s3a://data/eval")).data().paths("test"));
        assertEquals(
                List.of("/srv/data/t/test-*.parquet", "/abs/extra.parquet"),
                TaskDefinition.load(file, Optional.of("/srv/data/")).data().paths("test"));
        assertEquals(DataFiles.Format.PARQUET, TaskDefinition.load(file).data().format());
    }

    @Test
    void accessorsReportTheResolvedDefinitionWithTheHarnessDefaults() {
        TaskDefinition task = TaskDefinition.parse(TASK, "t.yaml", Path.of("/tasks"));
        assertEquals("t", task.name());
        assertEquals(OutputType.GENERATE_UNTIL, task.outputType());
        assertEquals("test", task.evalSplit());
        assertEquals(Optional.of("train"), task.fewshotSplit());
        assertEquals(1, task.numFewshot());
        assertEquals(1234L, task.fewshotSeed());
        assertEquals(Optional.of("uid"), task.idColumn());
        assertEquals(Set.of("a", "q", "uid"), task.requiredColumns());
        assertEquals(0, task.version(), "no metadata");

        Map<String, Object> config = task.config();
        assertEquals(
                Map.of(
                        "format",
                        "parquet",
                        "data_files",
                        Map.of(
                                "test", List.of("/tasks/t/test-*.parquet", "/abs/extra.parquet"),
                                "train", List.of("s3a://bucket/t/train/*.parquet"))),
                config.get("dataset"));
        assertEquals(" ", config.get("target_delimiter"));
        assertEquals("\n\n", config.get("fewshot_delimiter"));
        assertEquals(Map.of("seed", 1234L), config.get("fewshot_config"));
        assertEquals(
                Map.of("until", List.of("\n\n"), "max_gen_toks", 256),
                config.get("generation_kwargs"),
                "the harness stops at the few-shot delimiter by default");
        assertEquals(List.of(Map.of("metric", "exact_match")), config.get("metric_list"));
        assertEquals("{{q}}", config.get("doc_to_text"));
        assertEquals(Map.of("version", 0), config.get("metadata"));
    }

    @Test
    void aDefinitionSurvivesJavaSerialisationAsSparkShipsIt() throws IOException, ClassNotFoundException {
        TaskDefinition task = TaskFiles.published("hellaswag");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        }
        TaskDefinition copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (TaskDefinition) in.readObject();
        }
        TaskDocument row = doc(
                "h", "activity_label", "A", "ctx_a", "b.", "ctx_b", "c", "endings", List.of("d", "e"), "label", "1");
        assertEquals(task.instance(row, List.of()), copy.instance(row, List.of()));
        assertEquals(task.config(), copy.config());
    }

    @Test
    void targetsMayNameTheChoiceOrGiveItsIndexAsDigits() {
        TaskDefinition task = yaml(
                "task: t",
                "dataset: {data_files: {test: t.jsonl}}",
                "test_split: test",
                "output_type: multiple_choice",
                "doc_to_text: '{{q}}'",
                "doc_to_choice: ['{{a}}', '{{b}}']",
                "doc_to_target: '{{answer}}'");
        assertEquals(
                1,
                TaskFiles.choice(task, doc("1", "q", "?", "a", "7", "b", "3", "answer", "3"))
                        .gold(),
                "a choice's text wins");
        assertEquals(
                1,
                TaskFiles.choice(task, doc("2", "q", "?", "a", "x", "b", "y", "answer", "1"))
                        .gold(),
                "digits that are no choice index the choices, as the harness reads string labels");
    }

    @Test
    void rollingTasksMayCountWordsAndBytesOnAnotherTemplate() {
        TaskDefinition task = yaml(
                "task: r",
                "dataset: {data_files: {test: t.jsonl}}",
                "test_split: test",
                "output_type: loglikelihood_rolling",
                "doc_to_text: '{{clean}}'",
                "word_count: '{{raw}}'",
                "byte_count: '{{raw}}'",
                "rolling_windows: {strategy: disjoint, max_length: 64}");
        RollingInstance rolling =
                (RollingInstance) task.instance(doc("1", "clean", "a b", "raw", "a , b é"), List.of());
        assertEquals("a b", rolling.text());
        assertEquals(4, rolling.words());
        assertEquals(8, rolling.bytes(), "UTF-8: é is two bytes");
        assertEquals(RollingInstance.WindowStrategy.DISJOINT, rolling.windows());
        assertEquals(64, rolling.maxLength());
    }
}
