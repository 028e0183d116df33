package io.moelab.jobs.evaluate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.moelab.eval.metrics.MetricValue;
import io.moelab.eval.metrics.TaskMetrics;
import io.moelab.jobs.warehouse.BuildInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * lm-evaluation-harness-shaped {@code results.json} files, one per (model variant, policy) pair as the
 * harness writes one per model run: {@code results} keyed by task with {@code "<metric>,<filter>"} and
 * {@code "<metric>_stderr,<filter>"}, plus {@code configs}, {@code versions}, {@code n-shot},
 * {@code higher_is_better}, {@code n-samples} and {@code config}. They go under
 * {@code <warehouse>/results/<run_id>/<variant>/<policy, URL-encoded>/results.json}, each written to a
 * temporary name and renamed.
 */
final class ResultsJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ResultsJson() {}

    /** Writes every pair's file; returns their paths. */
    static List<String> writeAll(EvaluationResults results, String warehouseRoot, String runId, Configuration conf) {
        Map<String, List<CellScore>> byPair = new LinkedHashMap<>();
        for (CellScore cell : results.cells()) {
            byPair.computeIfAbsent(cell.model().name() + '\u0000' + cell.policy(), k -> new ArrayList<>())
                    .add(cell);
        }
        List<String> written = new ArrayList<>();
        for (List<CellScore> cells : byPair.values()) {
            CellScore first = cells.get(0);
            Path file = new Path(
                    new Path(
                            new Path(
                                    new Path(new Path(warehouseRoot, "results"), runId),
                                    first.model().name()),
                            URLEncoder.encode(first.policy(), StandardCharsets.UTF_8)),
                    "results.json");
            write(file, document(results.config(), runId, cells), conf);
            written.add(file.toString());
        }
        return written;
    }

    static Map<String, Object> document(EvaluationConfig config, String runId, List<CellScore> cells) {
        Map<String, Object> results = new LinkedHashMap<>();
        Map<String, Object> configs = new LinkedHashMap<>();
        Map<String, Object> versions = new LinkedHashMap<>();
        Map<String, Object> shots = new LinkedHashMap<>();
        Map<String, Object> higherIsBetter = new LinkedHashMap<>();
        Map<String, Object> samples = new LinkedHashMap<>();
        for (CellScore cell : cells) {
            String task = cell.task().name();
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("alias", task);
            Map<String, Object> better = new LinkedHashMap<>();
            long n = 0;
            for (MetricValue m : cell.metrics()) {
                values.put(m.metric() + "," + m.filter(), jsonNumber(m.value()));
                values.put(m.metric() + "_stderr," + m.filter(), Double.isNaN(m.stderr()) ? "N/A" : m.stderr());
                better.put(m.metric(), m.higherIsBetter());
                n = Math.max(n, m.n());
            }
            results.put(task, values);
            configs.put(task, cell.task().config());
            versions.put(task, cell.task().version());
            shots.put(task, cell.task().numFewshot());
            higherIsBetter.put(task, better);
            Map<String, Object> count = new LinkedHashMap<>();
            count.put("original", config.limit() == Long.MAX_VALUE ? n : null);
            count.put("effective", n);
            samples.put(task, count);
        }
        CellScore first = cells.get(0);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("model", "moelab");
        run.put("model_args", "pretrained=" + first.model().uri() + ",routing_policy=" + first.policy());
        run.put("batch_size", "max_batch_tokens=" + config.maxBatchTokens());
        run.put("limit", config.limit() == Long.MAX_VALUE ? null : config.limit());
        run.put("bootstrap_iters", TaskMetrics.BOOTSTRAP_RESAMPLES);
        run.put("random_seed", config.seed());
        run.put("fewshot_seed", config.seed());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("results", results);
        doc.put("configs", configs);
        doc.put("versions", versions);
        doc.put("n-shot", shots);
        doc.put("higher_is_better", higherIsBetter);
        doc.put("n-samples", samples);
        doc.put("config", run);
        doc.put("git_hash", BuildInfo.gitCommit());
        doc.put("model_name", first.model().uri());
        doc.put(
                "moelab",
                Map.of(
                        "run_id",
                        runId,
                        "model_variant",
                        first.model().name(),
                        "routing_policy",
                        first.policy(),
                        "version",
                        BuildInfo.version()));
        return doc;
    }

    /** JSON has no NaN or infinity; the harness writes such values as strings. */
    private static Object jsonNumber(double v) {
        return Double.isFinite(v) ? v : String.valueOf(v);
    }

    private static void write(Path file, Map<String, Object> document, Configuration conf) {
        try {
            FileSystem fs = file.getFileSystem(conf);
            Path temporary = new Path(file.getParent(), "." + file.getName() + ".tmp");
            try (OutputStream out = fs.create(temporary, true)) {
                JSON.writeValue(out, document);
            }
            fs.delete(file, false);
            if (!fs.rename(temporary, file)) {
                throw new IOException("rename " + temporary + " -> " + file + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
