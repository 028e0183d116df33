package io.moelab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.moelab.eval.metrics.MetricValue;
import io.moelab.eval.metrics.TaskMetrics;
import io.moelab.eval.task.MultipleChoiceInstance;
import io.moelab.eval.task.OutputType;
import io.moelab.eval.task.PairEncoding;
import io.moelab.eval.task.RollingInstance.WindowStrategy;
import io.moelab.model.tokenizer.ByteTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The engine and metrics on the bundled trained model against its model card
 * ({@code fixtures/trained-moe/eval_results.json}, computed with transformers): per-item
 * log-likelihoods of every choice, predictions, acc/acc_norm with their standard errors, and bits
 * per byte of each domain's test split under the card's rule (DISJOINT windows of 256).
 */
class ModelCardEvaluationTest {
    /** The card: batch shape alone moves its float32 sums by up to 5.4e-5 nats. */
    private static final double LOGLIKELIHOOD_TOLERANCE = 1e-4;

    private static final String[] DOMAINS = {"scripture", "code", "dictionary", "arithmetic"};

    @ParameterizedTest
    @CsvSource({"arith-mc, 0.975, 0.975", "scripture-cloze, 0.315, 0.450", "next-chunk, 0.760, 0.760"})
    void multipleChoiceReproducesTheCard(String task, double acc, double accNorm) {
        // The card scores exactly the choice's bytes after [BOS] + context, so no whitespace moves.
        EngineOptions options = EngineOptions.defaults().withPairEncoding(PairEncoding.AS_GIVEN);
        EvaluationEngine engine =
                new EvaluationEngine(EvalFixtures.trainedModel(), new ByteTokenizer(), EvalFixtures.NATIVE, options);
        List<MultipleChoiceInstance> instances = EvalFixtures.multipleChoice(task);
        List<DocumentResult> results = engine.evaluate(instances);

        JsonNode card = EvalFixtures.evalResults().get("mc").get(task);
        Map<String, JsonNode> items = new HashMap<>();
        card.get("per_item").forEach(item -> items.put(item.get("id").asText(), item));
        double worst = 0;
        List<Integer> predictions = new ArrayList<>();
        List<Integer> cardPredictions = new ArrayList<>();
        List<Integer> normalisedPredictions = new ArrayList<>();
        List<Integer> cardNormalisedPredictions = new ArrayList<>();
        for (DocumentResult result : results) {
            MultipleChoiceResult mc = (MultipleChoiceResult) result;
            JsonNode item = items.get(mc.documentId());
            for (int c = 0; c < mc.loglikelihoods().length; c++) {
                worst = Math.max(
                        worst,
                        Math.abs(mc.loglikelihoods()[c]
                                - item.get("loglik").get(c).asDouble()));
            }
            predictions.add(argmax(mc.loglikelihoods()));
            cardPredictions.add(item.get("pred").asInt());
            normalisedPredictions.add(argmax(perCharacter(mc)));
            cardNormalisedPredictions.add(item.get("pred_norm").asInt());
        }
        assertEquals(card.get("per_item").size(), results.size());
        assertEquals(0, worst, LOGLIKELIHOOD_TOLERANCE, task + ": largest per-choice log-likelihood difference (nats)");
        assertEquals(cardPredictions, predictions, task + ": acc predictions");
        assertEquals(cardNormalisedPredictions, normalisedPredictions, task + ": acc_norm predictions");

        Map<String, MetricValue> metrics = byKey(TaskMetrics.compute(OutputType.MULTIPLE_CHOICE, results, 0));
        assertEquals(acc, metrics.get("acc,none").value(), 1e-12, "acc");
        assertEquals(accNorm, metrics.get("acc_norm,none").value(), 1e-12, "acc_norm");
        assertEquals(card.get("acc_stderr").asDouble(), metrics.get("acc,none").stderr(), 1e-12, "acc stderr");
        assertEquals(
                card.get("acc_norm_stderr").asDouble(),
                metrics.get("acc_norm,none").stderr(),
                1e-12,
                "acc_norm stderr");
        assertEquals(200, metrics.get("acc,none").n());
    }

    @Test
    void bitsPerByteReproduceTheCard() throws Exception {
        // 796,606 tokens in all: two domains at a time, one engine each (the model is shared), so
        // both cores work; Surefire gives each thread one BLAS thread.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<List<DocumentResult>>> running = new LinkedHashMap<>();
            for (String domain : DOMAINS) {
                running.put(
                        domain,
                        pool.submit(() -> new EvaluationEngine(
                                        EvalFixtures.trainedModel(),
                                        new ByteTokenizer(),
                                        EvalFixtures.NATIVE,
                                        EngineOptions.defaults())
                                .evaluate(EvalFixtures.testDocuments(domain, WindowStrategy.DISJOINT, 256))));
            }
            for (Map.Entry<String, Future<List<DocumentResult>>> entry : running.entrySet()) {
                assertMatchesCard(entry.getKey(), entry.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void assertMatchesCard(String domain, List<DocumentResult> results) {
        Map<String, MetricValue> metrics = byKey(TaskMetrics.compute(OutputType.LOGLIKELIHOOD_ROLLING, results, 1));
        JsonNode card = EvalFixtures.evalResults().get("splits").get("test").get(domain);
        assertEquals(
                card.get("bits_per_byte").asDouble(),
                metrics.get("bits_per_byte,none").value(),
                1e-4,
                domain + " bits per byte");
        assertEquals(
                card.get("perplexity_per_byte").asDouble(),
                metrics.get("byte_perplexity,none").value(),
                1e-4,
                domain + " byte perplexity");
        long predicted =
                results.stream().mapToLong(r -> ((RollingResult) r).tokens()).sum();
        assertEquals(card.get("bytes").asLong(), predicted, domain + ": every byte of the split predicted once");
    }

    private static Map<String, MetricValue> byKey(List<MetricValue> metrics) {
        Map<String, MetricValue> out = new HashMap<>();
        metrics.forEach(m -> out.put(m.key(), m));
        return out;
    }

    private static double[] perCharacter(MultipleChoiceResult mc) {
        double[] normalised = mc.loglikelihoods();
        for (int c = 0; c < normalised.length; c++) {
            normalised[c] /= mc.choices().get(c).length();
        }
        return normalised;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
