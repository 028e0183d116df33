package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.data.DocumentSampler;
import io.moelab.eval.task.TaskDocument;
import io.moelab.jobs.testing.LocalSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TaskDocuments over small JSONL task files on a local Spark: ids, plain values, order, bad input. */
class TaskDocumentsTest {
    private static SparkSession spark;
    private static Path mc;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startSpark() throws IOException {
        spark = LocalSpark.builder("TaskDocumentsTest").getOrCreate();
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            rows.append("{\"qid\":")
                    .append(100 + i)
                    .append(",\"question\":\"")
                    .append(i)
                    .append("+1\",")
                    .append("\"choices\":[\"")
                    .append(i)
                    .append("\",\"")
                    .append(i + 1)
                    .append("\"],\"answer\":1,")
                    .append("\"meta\":{\"source\":\"s")
                    .append(i)
                    .append("\",\"score\":0.5},\"ok\":true}\n");
        }
        mc = write("mc.jsonl", rows.toString().getBytes(StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static Path write(String name, byte[] content) throws IOException {
        Path file = Files.createTempDirectory(tmp, "task").resolve(name);
        Files.write(file, content);
        return file;
    }

    private static List<TaskDocument> read(DatasetOptions.Builder options, String... required) {
        return TaskDocuments.read(spark, options.build(), List.of(required)).collect();
    }

    private static String error(DatasetOptions.Builder options, String... required) {
        return assertThrows(MoelabInputException.class, () -> read(options, required))
                .getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void everyColumnAsPlainJavaValuesWithDerivedIds() {
        List<TaskDocument> docs = new ArrayList<>(read(DatasetOptions.builder(mc.toString()), "question", "choices"));
        docs.sort(Comparator.comparing(TaskDocument::id));
        assertEquals(
                List.of("mc.jsonl:0", "mc.jsonl:1", "mc.jsonl:2", "mc.jsonl:3", "mc.jsonl:4", "mc.jsonl:5"),
                docs.stream().map(TaskDocument::id).toList());
        Map<String, Object> third = docs.get(2).fields();
        // Spark's JSON reader orders the columns (and struct fields) by name; internal columns stay out
        assertEquals(List.of("answer", "choices", "meta", "ok", "qid", "question"), List.copyOf(third.keySet()));
        assertEquals(1L, third.get("answer"));
        assertEquals(List.of("2", "3"), third.get("choices"));
        assertEquals(Map.of("score", 0.5, "source", "s2"), third.get("meta"));
        assertEquals(true, third.get("ok"));
        assertEquals(102L, third.get("qid"));
        assertEquals("2+1", third.get("question"));
    }

    @Test
    void anIdColumnGivesTheIdsAndTheSeedTheOrder() {
        List<TaskDocument> docs =
                read(DatasetOptions.builder(mc.toString()).idColumn("qid").seed(9));
        List<String> ids = docs.stream().map(TaskDocument::id).toList();
        assertEquals(Set.of("100", "101", "102", "103", "104", "105"), Set.copyOf(ids));
        DocumentSampler sampler = new DocumentSampler(9);
        assertEquals(ids.stream().sorted(Comparator.comparing(sampler::key)).toList(), ids);
        assertEquals(
                102L,
                docs.stream()
                        .filter(d -> d.id().equals("102"))
                        .findFirst()
                        .orElseThrow()
                        .fields()
                        .get("qid"),
                "the id column stays a field");

        List<TaskDocument> three = read(
                DatasetOptions.builder(mc.toString()).idColumn("qid").seed(9).maxDocuments(3));
        assertEquals(ids.subList(0, 3), three.stream().map(TaskDocument::id).toList());
    }

    @Test
    void aMissingColumnListsTheColumns() {
        assertContains(
                error(DatasetOptions.builder(mc.toString()), "question", "label"),
                "no column 'label' (the task reads it); columns: answer, choices, meta, ok, qid, question");
    }

    @Test
    void noRowsAfterTheFilter() {
        assertContains(
                error(DatasetOptions.builder(mc.toString()).filter("answer > 5")),
                "mc.jsonl: no rows after filter 'answer > 5'");
        assertEquals(
                2,
                read(DatasetOptions.builder(mc.toString()).filter("qid >= 104")).size());
    }

    @Test
    void everyStringColumnMustBeUtf8() throws IOException {
        byte[] good = "{\"question\":\"fine\",\"answer\":\"a\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"question\":\"ok\",\"answer\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + bad.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(bad, 0, all, good.length, bad.length);
        Path file = write("latin1.jsonl", all);
        assertContains(
                error(DatasetOptions.builder(file.toString()), "question"),
                "latin1.jsonl",
                "not valid UTF-8",
                "(line 2)");
    }

    @Test
    void duplicateIdsAreAnError() throws IOException {
        Path file = write(
                "dup.jsonl", "{\"qid\":1,\"q\":\"a\"}\n{\"qid\":1,\"q\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
        assertContains(error(DatasetOptions.builder(file.toString()).idColumn("qid")), "duplicate value '1' (2 rows)");
    }
}
