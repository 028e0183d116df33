package io.moelab.jobs.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.cli.MoelabCli;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.SequencingOptions;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.jobs.data.DatasetSource;
import io.moelab.jobs.data.SerializableTokenizerFactory;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.RunTables;
import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibrate job end to end through its command line, on a slice of the bundled data. */
class CalibrateCommandTest {
    private static final Path MODEL = projectRoot().resolve("models/trained-moe");
    private static final Path DATASET = projectRoot().resolve("datasets/calibration-mix");

    private static Path projectRoot() {
        // Surefire runs in jobs/; the bundled model and data live one level up.
        return Path.of("").toAbsolutePath().getParent();
    }

    record Run(int code, String out, String err) {}

    private static Run calibrate(String... args) {
        return calibrateWith(MODEL, args);
    }

    private static String[] slice(Path warehouse, String runId, String master, int partitions) {
        return new String[] {
            "--dataset",
            DATASET.toString(),
            "--id-column",
            "id",
            "--label-column",
            "label",
            "--max-documents",
            "48",
            "--sequence-length",
            "128",
            "--batch-size",
            "4",
            "--warehouse",
            warehouse.toString(),
            "--run-id",
            runId,
            "--master",
            master,
            "--partitions",
            Integer.toString(partitions),
            "--trace-sample",
            "0.02",
            "--similarity-sample",
            "0.01"
        };
    }

    /** Every table of a run as sorted text rows without the run_id column. */
    private static Map<String, List<String>> tables(Path warehouse, String runId) {
        SparkSession spark =
                LocalSpark.builder("calibrate-test").master("local[1]").getOrCreate();
        try {
            return RunTables.read(spark, warehouse.toString(), runId);
        } finally {
            spark.stop();
        }
    }

    @Test
    void tablesAreIdenticalForOneAndSevenPartitionsAndMatchADirectCount(@TempDir Path dir) {
        Path warehouse = dir.resolve("warehouse");
        Run one = calibrate(slice(warehouse, "one", "local[1]", 1));
        assertEquals(0, one.code(), one.err());
        Run seven = calibrate(slice(warehouse, "seven", "local[2]", 7));
        assertEquals(0, seven.code(), seven.err());
        Map<String, List<String>> a = tables(warehouse, "one");
        Map<String, List<String>> b = tables(warehouse, "seven");
        assertEquals(
                List.of(
                        "coactivation",
                        "expert_labels",
                        "expert_similarity",
                        "layer_affinity",
                        "routing_layer_stats",
                        "routing_stats",
                        "routing_trace"),
                new ArrayList<>(a.keySet()));
        assertEquals(a, b, "tables differ between local[1] x 1 partition and local[2] x 7 partitions");
        assertTrue(one.out().contains("run one:") && one.out().contains("top experts"), one.out());

        // The same count, computed directly: the same sequences, batched the same way, through the
        // model in this JVM, counted from the recorded routing (no statistics code involved).
        SparkSession spark =
                LocalSpark.builder("calibrate-test").master("local[1]").getOrCreate();
        Map<String, Long> direct = new HashMap<>();
        try {
            DatasetOptions options = DatasetOptions.builder(DATASET.toString())
                    .idColumn("id")
                    .labelColumn("label")
                    .maxDocuments(48)
                    .build();
            List<CalibrationSequence> sequences = new ArrayList<>(new DatasetSource(spark, options)
                    .sequences(
                            SerializableTokenizerFactory.forModel(MODEL.toString(), 256),
                            256,
                            SequencingOptions.forIds(SequencingOptions.Mode.PACK, 128, 2, 3))
                    .collect());
            sequences.sort(java.util.Comparator.comparingLong(CalibrationSequence::sequenceId));
            MoeModel model = MoeModel.load(MODEL);
            for (int start = 0; start < sequences.size(); start += 4) {
                List<CalibrationSequence> batch = sequences.subList(start, Math.min(start + 4, sequences.size()));
                RoutingRecorder recorder = new RoutingRecorder();
                model.forward(
                        TokenBatch.of(
                                batch.stream().map(CalibrationSequence::tokens).toArray(int[][]::new)),
                        ForwardOptions.builder().observe(recorder).build());
                for (LayerRouting layer : recorder.layers()) {
                    for (int t = 0; t < layer.decision().tokens(); t++) {
                        for (int s = 0; s < layer.decision().count(t); s++) {
                            direct.merge(layer.layer() + "/" + layer.decision().expert(t, s), 1L, Long::sum);
                        }
                    }
                }
            }
            Map<String, Long> fromTable = new HashMap<>();
            for (Row row : spark.read()
                    .parquet(warehouse.resolve("routing_stats/run_id=one").toString())
                    .collectAsList()) {
                long tokens = row.getLong(row.fieldIndex("tokens"));
                if (tokens > 0) {
                    fromTable.put(
                            row.getInt(row.fieldIndex("layer")) + "/" + row.getInt(row.fieldIndex("expert")), tokens);
                }
            }
            assertEquals(new TreeMap<>(direct), new TreeMap<>(fromTable));
        } finally {
            spark.stop();
        }
    }

    @Test
    void badInputExitsTwoAndWritesNothing(@TempDir Path dir) throws IOException {
        Path warehouse = dir.resolve("warehouse");
        Path notUtf8 = dir.resolve("latin1.txt");
        Files.write(notUtf8, "caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1));
        Path numbers = dir.resolve("numbers.jsonl");
        Files.writeString(numbers, "{\"text\": 5}\n{\"text\": 6}\n");
        Path empty = dir.resolve("empty.jsonl");
        Files.writeString(empty, "");
        Path fileRoot = Files.writeString(dir.resolve("a-file"), "x");
        Path bigVocabModel = Files.createDirectories(dir.resolve("model"));
        Files.copy(MODEL.resolve("model.safetensors"), bigVocabModel.resolve("model.safetensors"));
        Files.writeString(bigVocabModel.resolve("config.json"), Files.readString(MODEL.resolve("config.json")));
        Files.writeString(bigVocabModel.resolve("tokenizer.json"), tokenizerWithVocab(300));
        assertBadInput(
                calibrate("--dataset", dir.resolve("missing.jsonl").toString(), "--warehouse", warehouse.toString()),
                "missing.jsonl");
        assertBadInput(
                calibrate(
                        "--dataset", DATASET.toString(), "--text-column", "body", "--warehouse", warehouse.toString()),
                "body");
        assertBadInput(calibrate("--dataset", numbers.toString(), "--warehouse", warehouse.toString()), "text");
        assertBadInput(calibrate("--dataset", empty.toString(), "--warehouse", warehouse.toString()), "empty.jsonl");
        assertBadInput(
                calibrate("--dataset", notUtf8.toString(), "--format", "TEXT", "--warehouse", warehouse.toString()),
                "UTF-8");
        assertBadInput(calibrate("--dataset", DATASET.toString(), "--warehouse", fileRoot.toString()), "a-file");
        Run mismatch =
                calibrateWith(bigVocabModel, "--dataset", DATASET.toString(), "--warehouse", warehouse.toString());
        assertBadInput(mismatch, "vocab_size is 256");
        assertFalse(Files.exists(warehouse.resolve("runs")), "no table after bad input");
    }

    private static Run calibrateWith(Path model, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("calibrate", "--model", model.toString()));
        all.addAll(List.of(args));
        int code =
                MoelabCli.execute(all.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static void assertBadInput(Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }

    /** A WordLevel tokenizer.json whose ids reach {@code size - 1}, beyond a 256-token model. */
    private static String tokenizerWithVocab(int size) {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0");
        for (int i = 1; i < size; i++) {
            vocab.append(", \"w").append(i).append("\": ").append(i);
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [],"
                + " \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "}, \"unk_token\": \"[UNK]\"}}";
    }
}
