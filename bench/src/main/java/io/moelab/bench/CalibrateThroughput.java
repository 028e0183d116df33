package io.moelab.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.data.CalibrationSequence;
import io.moelab.data.Sequencer;
import io.moelab.data.SequencingOptions;
import io.moelab.data.TokenizedDocument;
import io.moelab.jobs.calibrate.CalibrationConfig;
import io.moelab.jobs.calibrate.CalibrationJob;
import io.moelab.jobs.calibrate.CalibrationSummary;
import io.moelab.jobs.data.DatasetOptions;
import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.model.checkpoint.DType;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.stats.RoutingStatsCollector;
import io.moelab.stats.StatsOptions;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Calibration throughput: the calibrate job in Spark local[1] and local[2] against the same
 * work in-process (forward only, and forward with the statistics collector), in one JVM with
 * one BLAS thread per task (OMP_NUM_THREADS=1; bench/run-calibrate.sh sets it).
 *
 * <p>Model: the forward benchmark's config (Mixtral, hidden 512, expert width 1408, 4 layers,
 * 8 heads, 8 experts top-2, float32, random weights) with vocab_size 256 so that the bundled
 * byte-level data tokenizes; calibration stops after the last MoE layer, so the vocabulary
 * costs nothing but the embedding lookup. Data: datasets/calibration-mix repeated (with distinct
 * document ids) until it holds the requested tokens, PACK into 256-token blocks, batches of 8.
 *
 * <p>Args: target tokens (default 262144), repo root (default .).
 */
public final class CalibrateThroughput {
    private static final int LENGTH = 256;
    private static final int BATCH = 8;

    public static void main(String[] args) throws IOException {
        long targetTokens = args.length > 0 ? Long.parseLong(args[0]) : 262_144;
        Path root = Path.of(args.length > 1 ? args[1] : ".").toAbsolutePath();
        Path work = Files.createTempDirectory("moelab-calibrate-bench");
        MoeConfig config = MoeConfig.fromJson(
                ForwardThroughput.CONFIG.replace("\"vocab_size\": 32000", "\"vocab_size\": 256"), "bench config");
        Path model = RandomMixtralCheckpoint.write(
                ForwardThroughput.CONFIG.replace("\"vocab_size\": 32000", "\"vocab_size\": 256"),
                DType.F32,
                work.resolve("model"));
        Path data = repeatedDataset(
                root.resolve("datasets/calibration-mix/calibration-mix.jsonl"),
                work.resolve("data.jsonl"),
                targetTokens);
        StatsOptions stats = StatsOptions.all();

        List<CalibrationSequence> sequences = sequencesInProcess(data, targetTokens);
        long tokens = sequences.stream().mapToLong(s -> s.tokens().length).sum();
        MoeModel moe = MoeModel.load(model);
        timeInProcess(
                moe, sequences.subList(0, Math.min(4 * BATCH, sequences.size())), stats); // JIT and workspace warm-up
        double forwardOnly = timeInProcess(moe, sequences, null);
        double withStats = timeInProcess(moe, sequences, stats);

        double local1 = timeJob(model, data, targetTokens, stats, "local[1]", 4, work.resolve("wh1"));
        double local2 = timeJob(model, data, targetTokens, stats, "local[2]", 8, work.resolve("wh2"));
        System.out.printf(
                Locale.ROOT,
                "{\"tokens\":%d,\"in_process_forward_tok_s\":%.1f,\"in_process_with_stats_tok_s\":%.1f,"
                        + "\"calibrate_local1_tok_s\":%.1f,\"calibrate_local2_tok_s\":%.1f,"
                        + "\"local1_over_forward\":%.3f,\"local1_over_with_stats\":%.3f,\"local2_over_local1\":%.3f}%n",
                tokens,
                tokens / forwardOnly,
                tokens / withStats,
                tokens / local1,
                tokens / local2,
                forwardOnly / local1,
                withStats / local1,
                local1 / local2);
    }

    /** Seconds for the sequences in batches of {@link #BATCH}, stopping after the last MoE layer. */
    private static double timeInProcess(MoeModel model, List<CalibrationSequence> sequences, StatsOptions stats) {
        long start = System.nanoTime();
        RoutingStatsCollector collector = stats == null ? null : new RoutingStatsCollector(model, stats);
        for (int i = 0; i < sequences.size(); i += BATCH) {
            List<CalibrationSequence> batch = sequences.subList(i, Math.min(i + BATCH, sequences.size()));
            TokenBatch tokens = TokenBatch.of(
                    batch.stream().map(CalibrationSequence::tokens).toArray(int[][]::new));
            if (collector == null) {
                model.forward(
                        tokens,
                        ForwardOptions.builder().stopAfterLastMoeLayer(true).build());
            } else {
                collector.collect(
                        tokens,
                        batch.stream()
                                .mapToLong(CalibrationSequence::sequenceId)
                                .toArray(),
                        batch.stream().map(CalibrationSequence::label).toArray(String[]::new));
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for the whole job: reading, sequencing, forward passes, merge and commit. */
    private static double timeJob(
            Path model, Path data, long maxTokens, StatsOptions stats, String master, int partitions, Path warehouse) {
        SparkSession spark = SparkSession.builder()
                .master(master)
                .appName("calibrate-bench")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
            CalibrationConfig config = new CalibrationConfig(
                    model.toString(),
                    DatasetOptions.builder(data.toString())
                            .idColumn("id")
                            .labelColumn("label")
                            .maxTokens(maxTokens)
                            .build(),
                    SequencingOptions.Mode.PACK,
                    LENGTH,
                    BATCH,
                    partitions,
                    stats,
                    warehouse.toString(),
                    "bench");
            long start = System.nanoTime();
            CalibrationSummary summary = new CalibrationJob(spark).run(config);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.err.printf(
                    Locale.ROOT,
                    "%s: %d tokens in %.1f s%n",
                    master,
                    summary.result().tokens(),
                    seconds);
            return seconds;
        } finally {
            spark.stop();
        }
    }

    private static List<CalibrationSequence> sequencesInProcess(Path data, long maxTokens) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<TokenizedDocument> documents = new ArrayList<>();
        for (String line : Files.readAllLines(data)) {
            Map<?, ?> row = json.readValue(line, Map.class);
            byte[] bytes = ((String) row.get("text")).getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                ids[i] = bytes[i] & 0xff;
            }
            documents.add(new TokenizedDocument((String) row.get("id"), (String) row.get("label"), ids));
        }
        return new Sequencer(SequencingOptions.forIds(SequencingOptions.Mode.PACK, LENGTH, 2, 3))
                .sequence(documents, maxTokens);
    }

    /** The bundled documents, repeated with suffixed ids until they hold {@code tokens} bytes. */
    private static Path repeatedDataset(Path source, Path target, long tokens) throws IOException {
        List<String> lines = Files.readAllLines(source);
        ObjectMapper json = new ObjectMapper();
        long written = 0;
        try (Writer out = Files.newBufferedWriter(target)) {
            for (int copy = 0; written < tokens * 1.1; copy++) {
                for (String line : lines) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> row = json.readValue(line, Map.class);
                    row.put("id", row.get("id") + "#" + copy);
                    out.write(json.writeValueAsString(row));
                    out.write('\n');
                    written += ((String) row.get("text")).getBytes(StandardCharsets.UTF_8).length + 1;
                }
            }
        }
        return target;
    }

    /** A Mixtral checkpoint with N(0, 0.02²) matrices and unit norms, seeded. */
}
