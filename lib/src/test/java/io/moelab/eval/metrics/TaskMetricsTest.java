package io.moelab.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.eval.DocumentResult;
import io.moelab.eval.GenerationResult;
import io.moelab.eval.MultipleChoiceResult;
import io.moelab.eval.RollingResult;
import io.moelab.eval.task.AnswerExtraction;
import io.moelab.eval.task.OutputType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {

    private static MultipleChoiceResult mc(String id, int gold, double[] loglikelihoods, String... choices) {
        return new MultipleChoiceResult(id, loglikelihoods, new boolean[choices.length], List.of(choices), gold);
    }

    /**
     * d1: argmax 0 = gold. d2: a tie between 1 and 2 goes to 1 = gold. d3: acc picks the short
     * choice 0 (−2), per character the long choice 1 (−3/6) wins = gold. d4: wrong either way.
     */
    private static final List<MultipleChoiceResult> MC = List.of(
            mc("d1", 0, new double[] {-1, -2, -3}, "a", "b", "c"),
            mc("d2", 1, new double[] {-5, -1, -1}, "a", "b", "c"),
            mc("d3", 1, new double[] {-2, -3}, "ab", "abcdef"),
            mc("d4", 2, new double[] {-1, -2, -3}, "a", "b", "c"));

    @Test
    void accAndAccNormWithTiesToTheLowestIndexAndBinomialStderr() {
        Map<String, MetricValue> metrics = byKey(TaskMetrics.compute(OutputType.MULTIPLE_CHOICE, MC, 0));
        MetricValue acc = metrics.get("acc,none");
        assertEquals(0.5, acc.value(), 1e-15, "d1, d2 right");
        assertEquals(Math.sqrt(0.5 * 0.5 / 3), acc.stderr(), 1e-15, "sqrt(p(1-p)/(n-1))");
        assertEquals(4, acc.n());
        assertEquals("acc", acc.metric());
        assertEquals("none", acc.filter());
        MetricValue accNorm = metrics.get("acc_norm,none");
        assertEquals(0.75, accNorm.value(), 1e-15, "d1, d2, d3 right");
        assertEquals(Math.sqrt(0.75 * 0.25 / 3), accNorm.stderr(), 1e-15);
    }

    @Test
    void accNormCountsCharactersNotUtf16Units() {
        // "😀😀" is 2 characters but 4 UTF-16 units: per character −2.2/2 beats −3/2; per unit −3/4 would win.
        MultipleChoiceResult emoji = mc("e", 0, new double[] {-2.2, -3}, "ab", "😀😀");
        assertEquals(
                1.0,
                byKey(TaskMetrics.compute(OutputType.MULTIPLE_CHOICE, List.of(emoji), 0))
                        .get("acc_norm,none")
                        .value());
    }

    @Test
    void multipleChoiceExamplesNameThePredictedAndGoldChoices() {
        List<ExampleOutcome> examples = TaskMetrics.examples(OutputType.MULTIPLE_CHOICE, reversed(MC));
        assertEquals(
                List.of("d1", "d2", "d3", "d4"),
                examples.stream().map(ExampleOutcome::documentId).toList(),
                "sorted by id");
        ExampleOutcome d3 = examples.get(2);
        assertEquals("ab", d3.prediction());
        assertEquals("abcdef", d3.target());
        assertEquals(false, d3.correct());
        assertArrayEquals(new double[] {-2, -3}, d3.loglikelihoods());
        assertEquals(true, examples.get(1).correct());
    }

    @Test
    void perplexitiesAreRatiosOfSumsOverDocuments() {
        List<RollingResult> docs = List.of(new RollingResult("a", 10, 8, 12, 3), new RollingResult("b", 30, 16, 20, 5));
        Map<String, MetricValue> metrics = byKey(TaskMetrics.compute(OutputType.LOGLIKELIHOOD_ROLLING, docs, 1));
        assertEquals(Math.exp(40.0 / 8), metrics.get("word_perplexity,none").value(), 1e-12);
        assertEquals(Math.exp(40.0 / 32), metrics.get("byte_perplexity,none").value(), 1e-12);
        assertEquals(40.0 / 32 / Math.log(2), metrics.get("bits_per_byte,none").value(), 1e-12);
        assertEquals(Math.exp(40.0 / 24), metrics.get("token_perplexity,none").value(), 1e-12);
        assertEquals(2, metrics.get("bits_per_byte,none").n());
    }

    @Test
    void bootstrapStderrIsDeterministicPerSeedAndIndependentOfArrivalOrder() {
        Random random = new Random(11);
        List<RollingResult> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long bytes = 200 + random.nextInt(800);
            docs.add(new RollingResult(
                    String.format("doc-%02d", i), bytes * (0.8 + 0.6 * random.nextDouble()), bytes, bytes, bytes / 5));
        }
        List<MetricValue> first = TaskMetrics.compute(OutputType.LOGLIKELIHOOD_ROLLING, docs, 42);
        assertEquals(first, TaskMetrics.compute(OutputType.LOGLIKELIHOOD_ROLLING, reversed(docs), 42));
        List<MetricValue> otherSeed = TaskMetrics.compute(OutputType.LOGLIKELIHOOD_ROLLING, docs, 43);
        MetricValue bpb = byKey(first).get("bits_per_byte,none");
        MetricValue bpbOtherSeed = byKey(otherSeed).get("bits_per_byte,none");
        assertEquals(bpb.value(), bpbOtherSeed.value(), 0, "the seed moves only the standard error");
        assertNotEquals(bpb.stderr(), bpbOtherSeed.stderr());
        // Per-document nats/byte spread ~0.17 over 50 documents: the bootstrap error is a few hundredths of a bit.
        assertTrue(bpb.stderr() > 0.01 && bpb.stderr() < 0.06, "bits per byte stderr " + bpb.stderr());
        assertEquals(bpb.stderr(), bpbOtherSeed.stderr(), 0.1 * bpb.stderr(), "1000 resamples: stable to about 2%");
    }

    @Test
    void oneDocumentHasNoStandardError() {
        MetricValue bpb = byKey(TaskMetrics.compute(
                        OutputType.LOGLIKELIHOOD_ROLLING, List.of(new RollingResult("a", 10, 8, 12, 3)), 1))
                .get("bits_per_byte,none");
        assertTrue(Double.isNaN(bpb.stderr()));
    }

    @Test
    void exactMatchPerFilterNamedAsTheHarness() {
        AnswerExtraction extraction = new AnswerExtraction(
                List.of(
                        new AnswerExtraction.Filter("strict-match", "#### (\\-?[0-9\\.\\,]+)", 0, "[invalid]"),
                        new AnswerExtraction.Filter(
                                "flexible-extract", "(-?[$0-9.,]{2,})|(-?[0-9]+)", -1, "[invalid]")),
                false,
                false,
                List.of());
        List<GenerationResult> results = List.of(
                new GenerationResult("q1", " 3 apples. #### 42", "42", extraction),
                new GenerationResult("q2", " so 17", "17", extraction),
                new GenerationResult("q3", " #### 5 then 6", "6", extraction));
        Map<String, MetricValue> metrics = byKey(TaskMetrics.compute(OutputType.GENERATE_UNTIL, results, 0));
        assertEquals(
                List.of("exact_match,strict-match", "exact_match,flexible-extract"),
                TaskMetrics.compute(OutputType.GENERATE_UNTIL, results, 0).stream()
                        .map(MetricValue::key)
                        .toList());
        assertEquals(
                1.0 / 3, metrics.get("exact_match,strict-match").value(), 1e-15, "only q1 has '#### answer' right");
        assertEquals(
                1.0, metrics.get("exact_match,flexible-extract").value(), 1e-15, "the last number is right in all");
        assertEquals(
                Math.sqrt((1.0 / 3) * (2.0 / 3) / 2),
                metrics.get("exact_match,strict-match").stderr(),
                1e-15);

        List<ExampleOutcome> examples = TaskMetrics.examples(OutputType.GENERATE_UNTIL, results);
        assertEquals("5", examples.get(2).prediction(), "the first filter's answer");
        assertEquals("6", examples.get(2).target());
        assertEquals(false, examples.get(2).correct());
        assertEquals(0, examples.get(0).loglikelihoods().length);
    }

    @Test
    void resultsOfAnotherKindAreRejected() {
        List<DocumentResult> mixed = List.of(new RollingResult("a", 1, 1, 1, 1));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> TaskMetrics.compute(OutputType.MULTIPLE_CHOICE, mixed, 0));
        assertTrue(e.getMessage().contains("document a"), e.getMessage());
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> out = new ArrayList<>(list);
        Collections.reverse(out);
        return out;
    }

    private static Map<String, MetricValue> byKey(List<MetricValue> metrics) {
        Map<String, MetricValue> out = new HashMap<>();
        metrics.forEach(m -> out.put(m.key(), m));
        return out;
    }
}
