package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.Document;
import io.moelab.data.DocumentSampler;
import io.moelab.data.Murmur3;
import io.moelab.data.Sequencer;
import io.moelab.data.SequencingOptions;
import io.moelab.data.SequencingOptions.Mode;
import io.moelab.data.TokenizedDocument;
import io.moelab.jobs.data.DatasetOptions.Format;
import io.moelab.jobs.data.DatasetOptions.TextMode;
import io.moelab.model.tokenizer.ByteTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.codec.digest.MurmurHash3;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DatasetSource over the bundled calibration-mix and tiny temporary files, on a local[2] Spark. */
class DatasetSourceTest {
    private static final String MIX =
            Path.of("../datasets/calibration-mix").toAbsolutePath().normalize().toString();
    private static final SerializableTokenizerFactory BYTES = ByteTokenizer::new;
    private static final SequencingOptions PACK_128 = SequencingOptions.forIds(Mode.PACK, 128, 2, 3);

    private static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("DatasetSourceTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.default.parallelism", "2")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static DatasetOptions.Builder mix() {
        return DatasetOptions.builder(MIX).idColumn("id").labelColumn("label");
    }

    private static List<Document> docs(DatasetOptions options) {
        return new DatasetSource(spark, options).documents().collect();
    }

    private static Path write(String name, byte[] content) throws IOException {
        Path dir = Files.createTempDirectory(tmp, "ds");
        Path file = dir.resolve(name);
        Files.write(file, content);
        return file;
    }

    private static Path write(String name, String content) throws IOException {
        return write(name, content.getBytes(StandardCharsets.UTF_8));
    }

    private static MoelabInputException bad(DatasetOptions options) {
        return assertThrows(MoelabInputException.class, () -> new DatasetSource(spark, options).documents());
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    // ------------------------------------------------------------------ formats

    @Test
    void readsTheBundledJsonlWithIdsAndLabels() {
        List<Document> all = docs(mix().build());
        assertEquals(400, all.size());
        Map<String, Long> perLabel =
                all.stream().collect(Collectors.groupingBy(Document::label, Collectors.counting()));
        assertEquals(Map.of("scripture", 100L, "code", 100L, "dictionary", 100L, "arithmetic", 100L), perLabel);
        assertTrue(all.stream().anyMatch(d -> d.id().equals("code-train-00017")));
        // documents() is the seed's global order
        assertEquals(new DocumentSampler(DatasetOptions.DEFAULT_SEED).sample(all, DocumentSampler.ALL), all);
    }

    @Test
    void readsParquet() {
        Path out = tmp.resolve("mix-parquet");
        spark.read()
                .json(MIX)
                .where("label IN ('code', 'arithmetic')")
                .repartition(3)
                .write()
                .parquet(out.toString());
        List<Document> fromParquet = docs(DatasetOptions.builder(out.toString())
                .idColumn("id")
                .labelColumn("label")
                .build());
        List<Document> fromJsonl =
                docs(mix().filter("label IN ('code', 'arithmetic')").build());
        assertEquals(200, fromParquet.size());
        assertEquals(fromJsonl, fromParquet);
    }

    @Test
    void readsPlainTextByLineAndByFile() throws IOException {
        Path file = write("notes.txt", "first line\n\nthird line\nfourth\n");
        List<Document> lines = docs(DatasetOptions.builder(file.toString()).build());
        Map<String, String> byId = lines.stream().collect(Collectors.toMap(Document::id, Document::text));
        assertEquals(
                Map.of("notes.txt:0", "first line", "notes.txt:2", "third line", "notes.txt:3", "fourth"),
                byId,
                "ids are file:line (0-based); the empty line is no document");
        assertNull(lines.get(0).label());

        Path dir = file.getParent();
        Files.writeString(dir.resolve("other.txt"), "a whole\nfile\n");
        List<Document> whole = docs(
                DatasetOptions.builder(dir.toString()).textMode(TextMode.FILE).build());
        Map<String, String> files = whole.stream().collect(Collectors.toMap(Document::id, Document::text));
        assertEquals(Map.of("notes.txt", "first line\n\nthird line\nfourth\n", "other.txt", "a whole\nfile\n"), files);
    }

    @Test
    void splitColumnSelectsRows() throws IOException {
        Path file = write(
                "s.jsonl",
                "{\"text\":\"a\",\"split\":\"train\"}\n{\"text\":\"b\",\"split\":\"test\"}\n"
                        + "{\"text\":\"c\",\"split\":\"train\"}\n");
        List<Document> train =
                docs(DatasetOptions.builder(file.toString()).split("train").build());
        assertEquals(
                List.of("a", "c"), train.stream().map(Document::text).sorted().toList());
        assertEquals(
                List.of("s.jsonl:0", "s.jsonl:2"),
                train.stream().map(Document::id).sorted().toList(),
                "row indices are counted before the split filter");
    }

    // ------------------------------------------------------------------ ids, order and partitioning

    @Test
    void derivedIdsDoNotDependOnFileSplits() throws IOException {
        StringBuilder jsonl = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            jsonl.append("{\"text\":\"document number ")
                    .append(i)
                    .append(" with some padding text to make the file longer\"}\n");
        }
        Path file = write("big.jsonl", jsonl.toString());
        DatasetOptions options = DatasetOptions.builder(file.toString()).build();
        Map<String, String> oneSplit = idToText(docs(options));
        String before = spark.conf().get("spark.sql.files.maxPartitionBytes");
        spark.conf().set("spark.sql.files.maxPartitionBytes", "2048");
        try {
            assertTrue(
                    spark.read().json(file.toString()).javaRDD().getNumPartitions() > 5,
                    "the file is read in many splits");
            assertEquals(oneSplit, idToText(docs(options)));
        } finally {
            spark.conf().set("spark.sql.files.maxPartitionBytes", before);
        }
        assertEquals(300, oneSplit.size());
        assertEquals(
                "document number 123 with some padding text to make the file longer", oneSplit.get("big.jsonl:123"));
    }

    private static Map<String, String> idToText(List<Document> docs) {
        return docs.stream().collect(Collectors.toMap(Document::id, Document::text, (a, b) -> a, TreeMap::new));
    }

    @Test
    void sequencesAreTheSameForOneOrSevenPartitions() {
        JavaRDD<Document> docs = new DatasetSource(spark, mix().build()).documents();
        for (SequencingOptions seq : List.of(PACK_128, SequencingOptions.forIds(Mode.WHOLE, 256, 2, 3))) {
            List<CalibrationSequence> one = DistributedSequencer.sequences(docs.coalesce(1), 11, 40_000, BYTES, seq)
                    .collect();
            List<CalibrationSequence> seven = DistributedSequencer.sequences(
                            docs.repartition(7), 11, 40_000, BYTES, seq)
                    .collect();
            assertFalse(one.isEmpty());
            assertEquals(sorted(one), sorted(seven), seq.mode().toString());
            assertEquals(one, seven, "already sorted by sequence id");
            // and equal to the in-memory reference
            List<TokenizedDocument> tokenized = new ArrayList<>();
            ByteTokenizer t = new ByteTokenizer();
            for (Document d : new DocumentSampler(11).sample(docs.collect(), DocumentSampler.ALL)) {
                tokenized.add(new TokenizedDocument(d.id(), d.label(), t.encode(d.text())));
            }
            assertEquals(new Sequencer(seq).sequence(tokenized, 40_000), one);
        }
    }

    private static List<CalibrationSequence> sorted(List<CalibrationSequence> s) {
        return s.stream()
                .sorted(Comparator.comparingLong(CalibrationSequence::sequenceId))
                .toList();
    }

    @Test
    void packGivesExactBlocksWithBosAndTheTokenCap() {
        DatasetSource source =
                new DatasetSource(spark, mix().maxTokens(50 * 128).seed(3).build());
        List<CalibrationSequence> blocks =
                source.sequences(BYTES, 256, PACK_128).collect();
        assertEquals(50, blocks.size());
        for (int i = 0; i < blocks.size(); i++) {
            CalibrationSequence b = blocks.get(i);
            assertEquals(i, b.sequenceId());
            assertEquals(128, b.tokens().length);
            assertEquals(2, b.tokens()[0], "BOS starts every block");
        }
        assertTrue(blocks.stream().anyMatch(b -> b.label().equals(CalibrationSequence.MIXED)));
        assertTrue(blocks.stream().anyMatch(b -> !b.label().equals(CalibrationSequence.MIXED)));
    }

    @Test
    void samplingIsDeterministicPerSeedAndDiffersAcrossSeeds() {
        List<Document> a = docs(mix().maxDocuments(20).seed(5).build());
        List<Document> b = docs(mix().maxDocuments(20).seed(5).build());
        List<Document> c = docs(mix().maxDocuments(20).seed(6).build());
        assertEquals(20, a.size());
        assertEquals(a, b);
        assertNotEquals(
                a.stream().map(Document::id).sorted().toList(),
                c.stream().map(Document::id).sorted().toList());
        List<Document> all = docs(mix().build());
        assertEquals(new DocumentSampler(5).sample(all, 20), a, "the smallest keys of the whole dataset");

        List<CalibrationSequence> s1 = new DatasetSource(
                        spark, mix().seed(5).maxTokens(20 * 128).build())
                .sequences(BYTES, 256, PACK_128)
                .collect();
        List<CalibrationSequence> s2 = new DatasetSource(
                        spark, mix().seed(5).maxTokens(20 * 128).build())
                .sequences(BYTES, 256, PACK_128)
                .collect();
        List<CalibrationSequence> s3 = new DatasetSource(
                        spark, mix().seed(6).maxTokens(20 * 128).build())
                .sequences(BYTES, 256, PACK_128)
                .collect();
        assertEquals(s1, s2);
        assertNotEquals(s1, s3);
    }

    @Test
    void murmur3AgreesWithCommonsCodec() {
        for (String s :
                List.of("", "a", "hello", "code-train-00017", "exactly16bytes!!", "a longer id, thirty-one bytes..")) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(MurmurHash3.hash128x64(b, 0, b.length, 0)[0], Murmur3.hash64(b, 0), s);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void missingFile() {
        MoelabInputException e =
                bad(DatasetOptions.builder(tmp.resolve("nope.jsonl").toString()).build());
        assertContains(e.getMessage(), "dataset path not found", "nope.jsonl");
    }

    @Test
    void missingColumnListsTheColumns() {
        MoelabInputException e = bad(mix().textColumn("body").build());
        assertContains(e.getMessage(), "no column 'body'", "text column", "columns: id, label, text");
        assertContains(
                bad(DatasetOptions.builder(MIX).labelColumn("domain").build()).getMessage(),
                "no column 'domain'",
                "label column");
        assertContains(bad(DatasetOptions.builder(MIX).split("train").build()).getMessage(), "no column 'split'");
    }

    @Test
    void wrongColumnType() throws IOException {
        Path file = write("n.jsonl", "{\"text\": 5}\n{\"text\": 7}\n");
        assertContains(
                bad(DatasetOptions.builder(file.toString()).build()).getMessage(),
                "n.jsonl",
                "text column 'text' is bigint, expected string");
    }

    @Test
    void emptyAfterFilterAndEmptyFile() throws IOException {
        assertContains(
                bad(mix().filter("label = 'poetry'").build()).getMessage(),
                "no documents after filter 'label = 'poetry''");
        assertContains(
                bad(DatasetOptions.builder(write("empty.jsonl", "").toString()).build())
                        .getMessage(),
                "no documents");
        assertContains(
                bad(DatasetOptions.builder(write("empty.txt", "\n\n").toString())
                                .build())
                        .getMessage(),
                "no documents");
        assertContains(
                bad(mix().filter("label = = 'x'").build()).getMessage(), "filter 'label = = 'x'' is not a valid");
    }

    @Test
    void nonUtf8TextFile() throws IOException {
        byte[] bytes = "good line\nbad \u00e9 line\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = write("latin1.txt", bytes);
        MoelabInputException e = bad(DatasetOptions.builder(file.toString()).build());
        assertContains(e.getMessage(), "latin1.txt", "not valid UTF-8", "byte 0xE9 at byte offset 14 (line 2)");
        // a literal U+FFFD is valid text
        Path literal = write("literal.txt", "a \uFFFD is fine\n");
        assertEquals(
                "a \uFFFD is fine",
                docs(DatasetOptions.builder(literal.toString()).build()).get(0).text());
    }

    @Test
    void nonUtf8JsonlFile() throws IOException {
        byte[] good = "{\"id\":\"1\",\"text\":\"fine\"}\n".getBytes(StandardCharsets.UTF_8);
        byte[] badLine = "{\"id\":\"2\",\"text\":\"caf\u00e9\"}\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[good.length + badLine.length];
        System.arraycopy(good, 0, all, 0, good.length);
        System.arraycopy(badLine, 0, all, good.length, badLine.length);
        Path file = write("latin1.jsonl", all);
        MoelabInputException e =
                bad(DatasetOptions.builder(file.toString()).idColumn("id").build());
        assertContains(e.getMessage(), "latin1.jsonl", "not valid UTF-8", "byte 0xE9", "(line 2)");
    }

    @Test
    void malformedJsonLine() throws IOException {
        Path file = write("broken.jsonl", "{\"text\":\"ok\"}\n{\"text\": \n");
        assertContains(
                bad(DatasetOptions.builder(file.toString()).build()).getMessage(), "broken.jsonl", "not a JSON object");
    }

    @Test
    void duplicateIds() throws IOException {
        Path file = write("dup.jsonl", "{\"id\":\"x\",\"text\":\"a\"}\n{\"id\":\"x\",\"text\":\"b\"}\n");
        assertContains(
                bad(DatasetOptions.builder(file.toString()).idColumn("id").build())
                        .getMessage(),
                "duplicate value 'x'");
    }

    @Test
    void vocabularyMismatch() {
        MoelabInputException e =
                assertThrows(MoelabInputException.class, () -> DatasetSource.validateVocabulary(32_000, 256));
        assertContains(e.getMessage(), "32000 token ids", "vocab_size is 256");
        DatasetSource.validateVocabulary(256, 256);
        DatasetSource.validateVocabulary(250, 256);
        MoelabInputException viaSequences = assertThrows(
                MoelabInputException.class,
                () -> new DatasetSource(spark, mix().build()).sequences(BYTES, 200, PACK_128));
        assertContains(viaSequences.getMessage(), "256 token ids", "vocab_size is 200");
    }

    @Test
    void formatFromExtension() throws IOException {
        Path file = write("data.csv", "text\nhello\n");
        assertContains(
                bad(DatasetOptions.builder(file.toString()).build()).getMessage(),
                "data.csv",
                "cannot tell the format");
        List<Document> forced =
                docs(DatasetOptions.builder(file.toString()).format(Format.TEXT).build());
        assertEquals(2, forced.size());
        Function<Document, String> id = Document::id;
        assertEquals(
                List.of("data.csv:0", "data.csv:1"),
                forced.stream().map(id).sorted().toList());
    }
}
