package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.jobs.testing.LocalSpark;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IdentifiedRows on a local Spark: the table it keeps, document ids, and the checks it makes. */
class IdentifiedRowsTest {
    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.builder("IdentifiedRowsTest").getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static Path write(String name, byte[] content) throws IOException {
        Path file = Files.createTempDirectory(tmp, "rows").resolve(name);
        Files.write(file, content);
        return file;
    }

    private static Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static IdentifiedRows read(DatasetOptions.Builder options, List<String> utf8Columns) {
        return IdentifiedRows.read(spark, options.build(), schema -> utf8Columns);
    }

    /** Document id to the {@code text} column, over the kept rows. */
    private static Map<String, String> idToText(IdentifiedRows rows) {
        Map<String, String> out = new TreeMap<>();
        for (Row r :
                rows.table().select(rows.documentId(), rows.table().col("text")).collectAsList()) {
            out.put(r.getString(0), r.getString(1));
        }
        return out;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    @Test
    void keepsTheSourceColumnsAndIdentifiesEveryRowBeforeTheFilter() throws IOException {
        Path file =
                write("r.jsonl", "{\"text\":\"a\",\"n\":1}\n\n{\"text\":\"b\",\"n\":2}\n{\"text\":\"c\",\"n\":3}\n");
        IdentifiedRows rows = read(DatasetOptions.builder(file.toString()).filter("n <> 2"), List.of("text"));
        assertEquals(
                List.of("n", "text", IdentifiedRows.FILE_COL, IdentifiedRows.BLOCK_COL, IdentifiedRows.ID_COL),
                List.of(rows.table().schema().fieldNames()));
        assertEquals(
                Map.of("r.jsonl:0", "a", "r.jsonl:2", "c"),
                idToText(rows),
                "blank lines are no records; the filter keeps the indices");

        IdentifiedRows byColumn = read(DatasetOptions.builder(file.toString()).idColumn("n"), List.of("text"));
        assertEquals(Map.of("1", "a", "2", "b", "3", "c"), idToText(byColumn), "the id column cast to string");
    }

    @Test
    void aBadJsonLineLeavesNoCorruptColumnBehindButIsAnError() throws IOException {
        Path file = write("j.jsonl", "{\"text\":\"a\"}\nnot json\n");
        assertContains(
                assertThrows(
                                MoelabInputException.class,
                                () -> read(DatasetOptions.builder(file.toString()), List.of("text")))
                        .getMessage(),
                "j.jsonl: a line is not a JSON object");
    }

    @Test
    void parquetTextIsNotCheckedForUtf8() {
        // U+FFFD is legitimate Parquet text, and a Parquet file is binary: its bytes get no strict UTF-8 look.
        Path parquet = tmp.resolve("fffd-parquet");
        spark.createDataFrame(
                        List.of(RowFactory.create("a \uFFFD b")), new StructType().add("text", DataTypes.StringType))
                .coalesce(1)
                .write()
                .parquet(parquet.toString());
        Map<String, String> rows = idToText(read(DatasetOptions.builder(parquet.toString()), List.of("text")));
        assertEquals(List.of("a \uFFFD b"), List.copyOf(rows.values()));
        assertTrue(rows.keySet().iterator().next().matches("part-.*\\.parquet:0"), rows.toString());
    }

    @Test
    void plainTextHasNoIdLabelOrSplitColumn() throws IOException {
        Path file = write("t.txt", "one\ntwo\n");
        for (DatasetOptions.Builder options : List.of(
                DatasetOptions.builder(file.toString()).idColumn("id"),
                DatasetOptions.builder(file.toString()).labelColumn("label"),
                DatasetOptions.builder(file.toString()).split("train"))) {
            assertContains(
                    assertThrows(MoelabInputException.class, () -> read(options, List.of("text")))
                            .getMessage(),
                    "plain text has no columns, so no id, label or split column can be used");
        }
    }

    @Test
    void aNullIdNamesItsFile() throws IOException {
        Path file = write("nulls.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n{\"text\":\"y\"}\n");
        assertContains(
                assertThrows(
                                MoelabInputException.class,
                                () -> read(
                                        DatasetOptions.builder(file.toString()).idColumn("id"), List.of("text")))
                        .getMessage(),
                "id column has a null value (file ",
                "nulls.jsonl); every document needs an id");
    }
}
