package io.moelab.jobs.merge;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.cli.MoelabCli;
import io.moelab.jobs.testing.LocalSpark;
import io.moelab.jobs.warehouse.TableSchemas;
import io.moelab.jobs.warehouse.Warehouse;
import io.moelab.merge.MergeConfig;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.SafetensorsWriter;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.TokenBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * merge-models end to end through its command line, on "fine-tunes" of the shared Mixtral fixture
 * (its weights plus small seeded noise).
 */
class MergeModelsCommandTest {
    static final Path BASE = Path.of(System.getProperty("moelab.shared", "../../shared"), "fixtures/hf/mixtral")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run mergeModels(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> full = new ArrayList<>(List.of("merge-models"));
        full.addAll(List.of(args));
        int code =
                MoelabCli.execute(full.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    /**
     * The base's tensors plus N(0, 0.02²) noise, stored as {@code dtype}, without {@code dropped} and with
     * {@code reshaped} (if any) stored as [2, n/2]; config.json is the base's.
     */
    static Path fineTune(Path dir, String name, long seed, DType dtype, String dropped, String reshaped)
            throws IOException {
        Path model = Files.createDirectories(dir.resolve(name));
        Files.copy(BASE.resolve("config.json"), model.resolve("config.json"));
        SafetensorsWriter writer = new SafetensorsWriter(Map.of("format", "pt"));
        Random random = new Random(seed);
        try (Checkpoint base = Checkpoint.open(BASE)) {
            for (String tensor : base.tensorNames()) {
                float[] values = base.floats(tensor);
                for (int j = 0; j < values.length; j++) {
                    values[j] += (float) (0.02 * random.nextGaussian());
                }
                long[] shape = tensor.equals(reshaped)
                        ? new long[] {2, values.length / 2}
                        : base.info(tensor).shape();
                if (!tensor.equals(dropped)) {
                    writer.add(tensor, dtype, shape, values);
                }
            }
        }
        writer.write(model.resolve("model.safetensors"));
        return model;
    }

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("merge-" + Math.abs(text.hashCode()) + ".yaml"), text);
    }

    private static final String DARE_TIES = """
            merge_method: dare_ties
            base_model: %s
            models:
              - model: %s
              - model: math
                parameters: {weight: 0.6, density: 0.5}
              - model: code
                parameters: {weight: 0.4}
            parameters: {density: 0.7, normalize: true, rescale: l1, seed: 3}
            """;

    @Test
    void mergesLikeTheInProcessMergeWhateverTheSharding() throws IOException {
        fineTune(dir, "math", 1, DType.F32, null, null);
        fineTune(dir, "code", 2, DType.BF16, null, null);
        Path config = yaml(DARE_TIES.formatted(BASE, BASE));
        Path warehouse = dir.resolve("warehouse");
        Path sharded = dir.resolve("out/sharded");
        Path single = dir.resolve("out/single");

        Run run = mergeModels(
                "--config",
                config.toString(),
                "--output",
                sharded.toString(),
                "--max-shard-bytes",
                "300000",
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "sharded",
                "--master",
                "local[2]");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("dare_ties of 2 models"), run.out());
        run = mergeModels(
                "--config",
                config.toString(),
                "--output",
                single.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "single",
                "--master",
                "local[1]");
        assertEquals(0, run.code(), run.err());

        try (Stream<Path> files = Files.list(sharded)) {
            long shards = files.filter(p -> p.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                    .count();
            assertTrue(shards >= 3, shards + " shards");
        }
        assertTrue(Files.isRegularFile(sharded.resolve("model.safetensors.index.json")));
        assertFalse(Files.exists(sharded.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(single.resolve("model.safetensors")));
        assertFalse(Files.exists(single.resolve("model.safetensors.index.json")));
        try (Stream<Path> siblings = Files.list(dir.resolve("out"))) {
            assertEquals(
                    List.of("sharded", "single"),
                    siblings.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging folder is left behind");
        }

        MergeConfig merge = MergeConfig.load(config);
        try (Checkpoint base = Checkpoint.open(BASE);
                Checkpoint math = Checkpoint.open(dir.resolve("math"));
                Checkpoint code = Checkpoint.open(dir.resolve("code"));
                Checkpoint one = Checkpoint.open(single);
                Checkpoint many = Checkpoint.open(sharded)) {
            assertEquals(
                    base.tensorNames().stream().sorted().toList(),
                    many.tensorNames().stream().sorted().toList());
            for (String name : base.tensorNames()) {
                float[] expected =
                        merge.newMethod().merge(name, base.floats(name), List.of(math.floats(name), code.floats(name)));
                assertArrayEquals(expected, one.floats(name), name);
                assertArrayEquals(expected, many.floats(name), name);
                assertEquals(DType.F32, many.info(name).dtype(), "the base's dtype");
            }
        }
        float[][] logits = MoeModel.load(sharded)
                .forward(TokenBatch.of(new int[] {1, 17, 42, 9}))
                .logitsOf(0);
        assertEquals(4, logits.length);
        for (float[] row : logits) {
            for (float v : row) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertEquals(Files.readString(BASE.resolve("config.json")), Files.readString(sharded.resolve("config.json")));
        String card = Files.readString(sharded.resolve("README.md"));
        assertTrue(
                card.contains("`dare_ties`")
                        && card.contains(dir.resolve("math").toString())
                        && card.contains("seed: 3"),
                card);

        List<Row> plans = table(warehouse, TableSchemas.MERGE_PLANS, "sharded");
        plans.sort(Comparator.comparing(r -> r.<Integer>getAs("source_expert")));
        assertEquals(2, plans.size());
        Row first = plans.get(0);
        assertEquals("dare_ties", first.getAs("method"));
        assertEquals(-1, first.<Integer>getAs("layer"));
        assertEquals(-1, first.<Integer>getAs("target_expert"));
        assertEquals(
                1, first.<Integer>getAs("source_expert"), "the base, listed first, is left out but keeps the indices");
        assertEquals(0.6, first.<Double>getAs("coefficient"));
        assertEquals(dir.resolve("math").toString(), first.getAs("source_model"));
        JsonNode parameters = new ObjectMapper().readTree(first.<String>getAs("parameters"));
        assertEquals(0.5, parameters.get("density").asDouble());
        assertEquals(0.5, parameters.get("p").asDouble());
        assertEquals(3, parameters.get("seed").asLong());
        assertEquals("l1", parameters.get("rescale").asText());
        assertEquals(
                0.7,
                new ObjectMapper()
                        .readTree(plans.get(1).<String>getAs("parameters"))
                        .get("density")
                        .asDouble());
        Row runsRow = table(warehouse, TableSchemas.RUNS, "sharded").get(0);
        assertEquals("merge-models", runsRow.getAs("job"));
        assertEquals("succeeded", runsRow.getAs("status"));
        assertEquals(sharded.toString(), runsRow.getAs("model_ref"));
    }

    @Test
    void outputDtypeConvertsTensorsAndConfig() throws IOException {
        fineTune(dir, "a", 1, DType.F32, null, null);
        Path config = yaml("""
                merge_method: linear
                models:
                  - {model: a, parameters: {weight: 1}}
                  - {model: %s, parameters: {weight: 3}}
                dtype: bfloat16
                """.formatted(BASE));
        Path output = dir.resolve("linear");
        Run run = mergeModels(
                "--config",
                config.toString(),
                "--output",
                output.toString(),
                "--warehouse",
                dir.resolve("warehouse").toString(),
                "--run-id",
                "linear",
                "--master",
                "local[1]");
        assertEquals(0, run.code(), run.err());
        assertEquals(
                "bfloat16",
                new ObjectMapper()
                        .readTree(output.resolve("config.json").toFile())
                        .get("torch_dtype")
                        .asText());
        MergeConfig merge = MergeConfig.load(config);
        try (Checkpoint out = Checkpoint.open(output);
                Checkpoint a = Checkpoint.open(dir.resolve("a"));
                Checkpoint base = Checkpoint.open(BASE)) {
            for (String name : out.tensorNames()) {
                TensorInfo info = out.info(name);
                assertEquals(DType.BF16, info.dtype(), name);
                float[] expected = merge.newMethod().merge(name, null, List.of(a.floats(name), base.floats(name)));
                float[] actual = out.floats(name);
                for (int j = 0; j < expected.length; j++) {
                    assertEquals(expected[j], actual[j], Math.abs(expected[j]) / 128, name); // bf16: 8 significant bits
                }
            }
        }
        MoeModel.load(output);
    }

    private static List<Row> table(Path warehouse, String table, String runId) {
        SparkSession spark =
                LocalSpark.builder("merge-models-test").master("local[1]").getOrCreate();
        try {
            return new ArrayList<>(Warehouse.open(spark, warehouse.toString())
                    .read(table)
                    .where(col(TableSchemas.RUN_ID).equalTo(runId))
                    .collectAsList());
        } finally {
            spark.stop();
        }
    }

    // ------------------------------------------------------------------ bad input: exit 2, nothing written

    private void assertRejected(String yamlText, String... expectedInMessage) throws IOException {
        Path warehouse = dir.resolve("warehouse");
        Path output = dir.resolve("merged");
        Run run = mergeModels(
                "--config",
                yaml(yamlText).toString(),
                "--output",
                output.toString(),
                "--warehouse",
                warehouse.toString(),
                "--run-id",
                "bad",
                "--master",
                "local[1]");
        assertEquals(2, run.code(), run.out() + run.err());
        assertEquals(1, run.err().strip().lines().count(), "one line: " + run.err());
        for (String expected : expectedInMessage) {
            assertTrue(run.err().contains(expected), run.err());
        }
        assertFalse(Files.exists(output), "no output directory");
        assertFalse(Files.exists(warehouse), "no table partition");
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".staging")), "no staging folder");
        }
    }

    private static String ties(Path base, Path model) {
        return """
                merge_method: ties
                base_model: %s
                models:
                  - model: %s
                    parameters: {weight: 1, density: 0.5}
                """.formatted(base, model);
    }

    @Test
    void badInputExitsTwoAndWritesNothing() throws IOException {
        Path good = fineTune(dir, "good", 1, DType.F32, null, null);
        Path otherArchitecture = fineTune(dir, "other-architecture", 2, DType.F32, null, null);
        Files.writeString(
                otherArchitecture.resolve("config.json"),
                Files.readString(BASE.resolve("config.json"))
                        .replace("\"num_local_experts\": 8", "\"num_local_experts\": 4"));
        assertRejected(
                ties(BASE, otherArchitecture),
                otherArchitecture.resolve("config.json").toString(),
                "number of experts is 4");

        Path baseWithoutHead = fineTune(dir, "base-without-head", 3, DType.F32, "lm_head.weight", null);
        assertRejected(ties(baseWithoutHead, good), baseWithoutHead + ": missing tensor 'lm_head.weight' that " + good);

        Path reshaped = fineTune(dir, "reshaped", 4, DType.F32, null, "model.norm.weight");
        assertRejected(ties(BASE, reshaped), reshaped + ": tensor 'model.norm.weight' has shape [2, 32]");

        assertRejected(ties(BASE, good).replace("ties", "slerp"), "merge_method", "slerp");
        assertRejected(ties(BASE, good) + "int8_mask: true\n", "unknown field 'int8_mask'");
        assertRejected(
                ties(BASE, good).replace("density: 0.5", "density: 1.5"), "models[0].parameters.density", "(0, 1]");
        assertRejected(ties(BASE, good).replace("density: 0.5", "density: 0"), "models[0].parameters.density");
    }

    @Test
    void anExistingOutputIsNeverTouched() throws IOException {
        Path good = fineTune(dir, "good", 1, DType.F32, null, null);
        Path output = Files.createDirectories(dir.resolve("taken"));
        Files.writeString(output.resolve("keep.txt"), "mine");
        Run run = mergeModels(
                "--config",
                yaml(ties(BASE, good)).toString(),
                "--output",
                output.toString(),
                "--warehouse",
                dir.resolve("warehouse").toString(),
                "--master",
                "local[1]");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("already exists"), run.err());
        assertEquals(List.of(output.resolve("keep.txt")), Files.list(output).toList());
    }
}
