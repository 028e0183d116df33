package io.moelab.eval.task;

import static io.moelab.eval.task.TaskFiles.bundled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The bundled tasks on the first rows of their real files, against the bundled model card's scoring rule. */
class BundledTasksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<TaskDocument> firstRows(TaskDefinition task, int n) throws IOException {
        List<String> paths = task.data().paths(task.evalSplit());
        assertEquals(1, paths.size());
        List<TaskDocument> docs = new ArrayList<>();
        try (Stream<String> lines = Files.lines(Path.of(paths.get(0)), StandardCharsets.UTF_8)) {
            for (String line : lines.limit(n).toList()) {
                Map<String, Object> fields = JSON.readValue(line, new TypeReference<>() {});
                docs.add(new TaskDocument((String) fields.get(task.idColumn().orElseThrow()), fields));
            }
        }
        return docs;
    }

    @Test
    void everyBundledTaskFileLoadsAndPointsAtBundledData() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(TaskFiles.root().resolve("tasks/bundled"))) {
            for (Path file : files.sorted().toList()) {
                TaskDefinition task = TaskDefinition.load(file);
                names.add(task.name());
                assertEquals(file.getFileName().toString(), task.name() + ".yaml");
                Path data = Path.of(task.data().paths(task.evalSplit()).get(0));
                assertTrue(data.startsWith(TaskFiles.root().resolve("datasets/eval-fixture")), data.toString());
                assertTrue(Files.isRegularFile(data), data + " is missing");
                assertEquals(DataFiles.Format.JSONL, task.data().format());
                assertEquals(Map.of("version", 1), task.config().get("metadata"));
            }
        }
        assertEquals(
                List.of(
                        "arith-gen",
                        "arith-mc",
                        "bpb-arithmetic",
                        "bpb-code",
                        "bpb-dictionary",
                        "bpb-scripture",
                        "next-chunk",
                        "scripture-cloze"),
                names);
    }

    @Test
    void multipleChoiceTasksAppendTheChoiceToTheContextWithNoSeparator() throws IOException {
        for (String name : List.of("arith-mc", "scripture-cloze", "next-chunk")) {
            TaskDefinition task = bundled(name);
            for (TaskDocument row : firstRows(task, 3)) {
                MultipleChoiceInstance mc = TaskFiles.choice(task, row);
                String context = (String) row.fields().get("context");
                @SuppressWarnings("unchecked")
                List<String> choices = (List<String>) row.fields().get("choices");
                assertEquals(row.id(), mc.documentId());
                assertEquals(choices, mc.choices());
                assertEquals(choices, mc.continuations(), name + ": the card's rule puts nothing before the choice");
                for (int i = 0; i < choices.size(); i++) {
                    assertEquals(context, mc.contexts().get(i));
                    assertEquals(
                            context + choices.get(i),
                            mc.contexts().get(i) + mc.continuations().get(i));
                }
                assertEquals(((Number) row.fields().get("gold")).intValue(), mc.gold());
            }
        }
        MultipleChoiceInstance first = TaskFiles.choice(
                bundled("arith-mc"), firstRows(bundled("arith-mc"), 1).get(0));
        assertEquals(List.of("794+743=", "794+743=", "794+743=", "794+743="), first.contexts());
        assertEquals(List.of("1637", "1537", "1538", "1539"), first.continuations());
        assertEquals(1, first.gold());
    }

    @Test
    void bitsPerByteTasksCutDisjoint256TokenWindowsOverTheWholeText() throws IOException {
        for (String domain : List.of("scripture", "code", "dictionary", "arithmetic")) {
            TaskDefinition task = bundled("bpb-" + domain);
            TaskDocument row = firstRows(task, 1).get(0);
            RollingInstance rolling = (RollingInstance) task.instance(row, List.of());
            String text = (String) row.fields().get("text");
            assertEquals(text, rolling.text());
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, rolling.bytes());
            assertEquals(
                    text.split("\\s+", -1).length,
                    rolling.words(),
                    "ASCII text: Java's split with -1 agrees with re.split");
            assertEquals(RollingInstance.WindowStrategy.DISJOINT, rolling.windows());
            assertEquals(256, rolling.maxLength(), "BOS + 255 bytes");
        }
        RollingInstance scripture = (RollingInstance) bundled("bpb-scripture")
                .instance(firstRows(bundled("bpb-scripture"), 1).get(0), List.of());
        assertTrue(scripture.text().startsWith("And it shall come to pass in that day, that a man shall nourish "));
    }

    @Test
    void arithGenGeneratesTheResultUntilTheEndOfTheLine() throws IOException {
        TaskDefinition task = bundled("arith-gen");
        GenerationInstance gen =
                (GenerationInstance) task.instance(firstRows(task, 1).get(0), List.of());
        assertEquals("794+743=", gen.context());
        assertEquals("1537", gen.target());
        assertEquals(List.of("\n"), gen.until());
        assertEquals(8, gen.maxNewTokens());
        assertEquals(List.of(AnswerExtraction.NO_FILTER), gen.extraction().filterNames());
        assertTrue(gen.extraction().exactMatch(gen.extraction().extract(0, "1537"), gen.target()));
        assertEquals(List.of("exact_match"), task.metrics());
    }
}
