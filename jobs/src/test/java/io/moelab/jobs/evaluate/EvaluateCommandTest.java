package io.moelab.jobs.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.cli.MoelabCli;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.testing.RunTables;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The evaluate job end to end through its command line, on the bundled model and tasks. */
class EvaluateCommandTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path MODEL = ROOT.resolve("models/trained-moe");
    private static final Path BUNDLED = ROOT.resolve("tasks/bundled");

    record Run(int code, String out, String err) {}

    static Run evaluate(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 1];
        full[0] = "evaluate";
        System.arraycopy(args, 0, full, 1, args.length);
        int code = MoelabCli.execute(full, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private static List<Row> table(Path warehouse, String table, String runId) {
        SparkSession spark =
                LocalSpark.builder("evaluate-test").master("local[1]").getOrCreate();
        try {
            return Warehouse.open(spark, warehouse.toString())
                    .read(table)
                    .where(org.apache.spark.sql.functions.col("run_id").equalTo(runId))
                    .collectAsList();
        } finally {
            spark.stop();
        }
    }

    /** benchmark_scores as "model|policy|task|metric,filter" → value. */
    private static Map<String, Row> scores(Path warehouse, String runId) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : table(warehouse, TableSchemas.BENCHMARK_SCORES, runId)) {
            out.put(
                    r.getAs("model_variant") + "|" + r.getAs("routing_policy") + "|" + r.getAs("task") + "|"
                            + r.getAs("metric") + "," + r.getAs("filter"),
                    r);
        }
        return out;
    }

    @Test
    void bundledTasksReproduceTheModelCard(@TempDir Path dir) throws IOException {
        Path warehouse = dir.resolve("warehouse");
        Run run = evaluate(
                "--model",
                MODEL.toString(),
                "--tasks",
                BUNDLED.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "card",
                "--master",
                "local[2]");
        assertEquals(0, run.code(), run.err());
        Map<String, Row> scores = scores(warehouse, "card");
        double[][] card = {{0.975, 0.975}, {0.315, 0.450}, {0.760, 0.760}};
        String[] mc = {"arith-mc", "scripture-cloze", "next-chunk"};
        for (int t = 0; t < mc.length; t++) {
            Row acc = scores.get("trained-moe|native|" + mc[t] + "|acc,none");
            assertEquals(card[t][0], acc.<Double>getAs("value"), 1e-9, mc[t]);
            assertEquals(200L, acc.<Long>getAs("n"));
            assertEquals(2.0, acc.<Double>getAs("mean_experts_per_token"), 1e-12);
            assertTrue(acc.<Double>getAs("tokens_per_second") > 0);
            assertEquals(
                    card[t][1],
                    scores.get("trained-moe|native|" + mc[t] + "|acc_norm,none").<Double>getAs("value"),
                    1e-9);
        }
        Map<String, Double> bitsPerByte =
                Map.of("scripture", 1.6575, "code", 1.7376, "dictionary", 2.0816, "arithmetic", 1.8161);
        bitsPerByte.forEach((domain, expected) -> assertEquals(
                expected,
                scores.get("trained-moe|native|bpb-" + domain + "|bits_per_byte,none")
                        .<Double>getAs("value"),
                1e-4,
                domain));
        assertEquals(
                200 * 3 + 200 + 1200,
                table(warehouse, TableSchemas.EVAL_EXAMPLES, "card").size());

        JsonNode results = new ObjectMapper()
                .readTree(warehouse
                        .resolve("results/card/trained-moe/native/results.json")
                        .toFile());
        assertEquals(0.975, results.at("/results/arith-mc/acc,none").asDouble(), 1e-9);
        assertTrue(results.at("/results/arith-mc/acc_stderr,none").isNumber());
        assertEquals(200, results.at("/n-samples/arith-mc/effective").asInt());
        assertTrue(results.at("/configs/arith-mc").isObject());
        assertTrue(run.out().contains("arith-mc"), run.out());
    }

    private static String[] slice(Path warehouse, String runId, String master, int partitions, int batchTokens) {
        return new String[] {
            "--model",
            MODEL.toString(),
            "--tasks",
            BUNDLED.resolve("arith-mc.yaml") + "," + BUNDLED.resolve("bpb-code.yaml") + ","
                    + BUNDLED.resolve("arith-gen.yaml"),
            "--policies",
            "native,topk:k=1,topp:p=0.4,max=4,scmoe",
            "--limit",
            "24",
            "--warehouse",
            warehouse.toString(),
            "--run-id",
            runId,
            "--master",
            master,
            "--partitions",
            Integer.toString(partitions),
            "--max-batch-tokens",
            Integer.toString(batchTokens)
        };
    }

    /**
     * Partitioning cannot change what is batched together (documents are grouped by their order), so 1
     * and 3 partitions give identical tables. A different batch size changes float32 summation order
     * only: within the 1e-4 nats the model card measures for batch shape on this model (its logits reach
     * 24, so float32 rounding alone is ~2e-5); the engine's own test holds 1e-5 on a random-init model.
     */
    @Test
    void scoresDoNotDependOnPartitionsOrBatchSize(@TempDir Path dir) {
        Path warehouse = dir.resolve("warehouse");
        assertEquals(0, evaluate(slice(warehouse, "one", "local[1]", 1, 4096)).code());
        Run three = evaluate(slice(warehouse, "three", "local[2]", 3, 4096));
        assertEquals(0, three.code(), three.err());
        Run smallBatches = evaluate(slice(warehouse, "small", "local[2]", 3, 300));
        assertEquals(0, smallBatches.code(), smallBatches.err());
        SparkSession spark =
                LocalSpark.builder("evaluate-test").master("local[1]").getOrCreate();
        try {
            Map<String, List<String>> one = RunTables.read(spark, warehouse.toString(), "one");
            Map<String, List<String>> other = RunTables.read(spark, warehouse.toString(), "three");
            assertEquals(one.get(TableSchemas.EVAL_EXAMPLES), other.get(TableSchemas.EVAL_EXAMPLES));
            assertEquals(
                    one.get(TableSchemas.BENCHMARK_SCORES).stream()
                            .map(EvaluateCommandTest::withoutSpeed)
                            .toList(),
                    other.get(TableSchemas.BENCHMARK_SCORES).stream()
                            .map(EvaluateCommandTest::withoutSpeed)
                            .toList());
        } finally {
            spark.stop();
        }
        Map<String, Row> a = examples(warehouse, "one");
        Map<String, Row> b = examples(warehouse, "small");
        assertEquals(a.keySet(), b.keySet());
        assertEquals(3 * (24 + 24 + 24) + 24, a.size(), "SCMoE scores the generation task only");
        for (String key : a.keySet()) {
            assertEquals(a.get(key).<String>getAs("prediction"), b.get(key).<String>getAs("prediction"), key);
            List<Double> la = a.get(key).getList(a.get(key).fieldIndex("loglikelihoods"));
            List<Double> lb = b.get(key).getList(b.get(key).fieldIndex("loglikelihoods"));
            assertEquals(la == null, lb == null, key);
            for (int i = 0; la != null && i < la.size(); i++) {
                assertEquals(la.get(i), lb.get(i), 1e-4, key);
            }
        }
        Map<String, Row> scores = scores(warehouse, "three");
        assertEquals(
                2.0, scores.get("trained-moe|native|arith-mc|acc,none").<Double>getAs("mean_experts_per_token"), 1e-12);
        assertEquals(
                1.0,
                scores.get("trained-moe|topk:k=1|arith-mc|acc,none").<Double>getAs("mean_experts_per_token"),
                1e-12);
        double topp = scores.get("trained-moe|topp:p=0.4,max=4|bpb-code|bits_per_byte,none")
                .<Double>getAs("mean_experts_per_token");
        assertTrue(topp >= 1.0 && topp <= 4.0, "topp experts per token " + topp);
        String scmoe = "scmoe:strong=topk:k=2,weak=rank:r=3,alpha=0.1,beta=0.5";
        assertTrue(
                scores.containsKey("trained-moe|" + scmoe + "|arith-gen|exact_match,none"),
                scores.keySet().toString());
        assertFalse(scores.containsKey("trained-moe|" + scmoe + "|arith-mc|acc,none"));
    }

    /** A benchmark_scores row without its last column, tokens_per_second (a timing). */
    private static String withoutSpeed(String row) {
        return row.substring(0, row.lastIndexOf(','));
    }

    private static Map<String, Row> examples(Path warehouse, String runId) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : table(warehouse, TableSchemas.EVAL_EXAMPLES, runId)) {
            out.put(r.getAs("routing_policy") + "|" + r.getAs("task") + "|" + r.getAs("example_id"), r);
        }
        return out;
    }

    // ------------------------------------------------------------------ bad input: exit 2, nothing written

    private static Path taskFile(Path dir, String yaml, String jsonl) throws IOException {
        Files.writeString(dir.resolve("data.jsonl"), jsonl);
        Path file = dir.resolve("task.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private static final String MC_TASK = """
            task: tiny-mc
            dataset:
              format: jsonl
              data_files:
                test: data.jsonl
            test_split: test
            output_type: multiple_choice
            doc_to_text: "{{context}}"
            doc_to_choice: "{{choices}}"
            doc_to_target: "{{gold}}"
            target_delimiter: ""
            """;
    private static final String MC_ROWS = """
            {"id": "a", "context": "1+1=", "choices": ["2", "3"], "gold": 0}
            {"id": "b", "context": "2+2=", "choices": ["4", "5"], "gold": 0}
            """;

    private static void assertRejected(Path dir, String expectedInMessage, String... args) {
        Path warehouse = dir.resolve("warehouse");
        List<String> all = new ArrayList<>(List.of(
                "--model",
                MODEL.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "bad",
                "--master",
                "local[1]"));
        all.addAll(List.of(args));
        Run run = evaluate(all.toArray(String[]::new));
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains(expectedInMessage), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        assertFalse(Files.exists(warehouse.resolve(TableSchemas.BENCHMARK_SCORES)), "nothing written");
        assertFalse(Files.exists(warehouse.resolve("results")), "nothing written");
    }

    @Test
    void unknownTaskFieldIsRejected(@TempDir Path dir) throws IOException {
        Path task = taskFile(dir, MC_TASK + "doc_to_txet: \"{{context}}\"\n", MC_ROWS);
        assertRejected(dir, "doc_to_txet", "--tasks", task.toString());
    }

    @Test
    void missingColumnIsRejected(@TempDir Path dir) throws IOException {
        Path task = taskFile(dir, MC_TASK.replace("{{context}}", "{{question}}"), MC_ROWS);
        assertRejected(dir, "question", "--tasks", task.toString());
    }

    @Test
    void goldOutOfRangeIsRejected(@TempDir Path dir) throws IOException {
        Path task =
                taskFile(dir, MC_TASK, MC_ROWS.replace("\"gold\": 0}\n{\"id\": \"b\"", "\"gold\": 5}\n{\"id\": \"b\""));
        assertRejected(dir, "gold", "--tasks", task.toString());
    }

    @Test
    void emptyChoicesAreRejected(@TempDir Path dir) throws IOException {
        Path task = taskFile(dir, MC_TASK, MC_ROWS.replace("[\"4\", \"5\"]", "[]"));
        assertRejected(dir, "choices", "--tasks", task.toString());
    }

    @Test
    void policyNamingAMissingLayerOrExpertIsRejected(@TempDir Path dir) throws IOException {
        Path task = taskFile(dir, MC_TASK, MC_ROWS);
        assertRejected(dir, "9", "--tasks", task.toString(), "--policies", "mask:off=9/1");
        assertRejected(dir, "8", "--tasks", task.toString(), "--policies", "mask:off=1/8");
        assertRejected(
                dir,
                "scmoe",
                "--tasks",
                task.toString(),
                "--policies",
                "scmoe:strong=topk:k=2,weak=rank:r=3,alpha=0.1,beta=0.5");
        assertRejected(dir, "valid", "--tasks", task.toString(), "--policies", "top-k:k=1");
    }
}
