package io.moelab.bench;

import io.moelab.eval.EngineOptions;
import io.moelab.eval.EvaluationEngine;
import io.moelab.eval.task.MultipleChoiceInstance;
import io.moelab.model.MoeModel;
import io.moelab.model.tokenizer.ByteTokenizer;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.policy.EvalPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Multiple-choice scoring throughput of the evaluation engine: length-sorted batches (up to 4,096
 * tokens, a context shared by its choices read once) against one request per forward call, on
 * {@link ForwardThroughput}'s bench model (random weights). The requests look like MC tasks:
 * contexts of 60–200 tokens, 4 choices of 5–30 tokens each, random ASCII read by the byte-level
 * tokenizer (one token per byte; the model still computes all 32,000 logits per row).
 *
 * <p>The two modes alternate within one JVM (batched first on even repeats, unbatched first on odd
 * ones) so machine noise hits both alike. Prints one JSON line: continuation tokens scored per
 * second (median over repeats) for each mode and their ratio, plus the tokens each mode forwarded.
 * Threads come from OMP_NUM_THREADS; bench/run-mc.sh runs this once per thread count.
 */
public final class MultipleChoiceThroughput {
    private static final int CHOICES = 4;

    public static void main(String[] args) {
        int documents = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        MoeModel model = MoeModel.randomlyInitialised(MoeConfig.fromJson(ForwardThroughput.CONFIG, "bench config"), 0);
        EvalPolicy policy = new EvalPolicy.Routed("native", NativeRouting.INSTANCE);
        List<MultipleChoiceInstance> instances = instances(documents, new Random(1));
        long scoredTokens = instances.stream()
                .flatMap(i -> i.continuations().stream())
                .mapToLong(String::length)
                .sum();
        long requestTokens = instances.stream()
                        .mapToLong(i -> CHOICES * (long) i.contexts().get(0).length())
                        .sum()
                + scoredTokens;

        EngineOptions batched = EngineOptions.defaults();
        EngineOptions unbatched = EngineOptions.defaults().withBatched(false);
        // Warm-up: ND4J's workspaces and the JIT, in both modes.
        new EvaluationEngine(model, new ByteTokenizer(), policy, batched).evaluate(instances.subList(0, 2));
        new EvaluationEngine(model, new ByteTokenizer(), policy, unbatched).evaluate(instances.subList(0, 2));
        double[] batchedSeconds = new double[repeats];
        double[] unbatchedSeconds = new double[repeats];
        long[] forwarded = new long[2];
        for (int r = 0; r < repeats; r++) {
            boolean batchedFirst = r % 2 == 0;
            for (int turn = 0; turn < 2; turn++) {
                boolean runBatched = batchedFirst == (turn == 0);
                EvaluationEngine engine =
                        new EvaluationEngine(model, new ByteTokenizer(), policy, runBatched ? batched : unbatched);
                long start = System.nanoTime();
                engine.evaluate(instances);
                double seconds = (System.nanoTime() - start) / 1e9;
                (runBatched ? batchedSeconds : unbatchedSeconds)[r] = seconds;
                forwarded[runBatched ? 0 : 1] = engine.counters().tokensForwarded();
            }
        }
        double batchedRate = scoredTokens / ForwardThroughput.median(batchedSeconds);
        double unbatchedRate = scoredTokens / ForwardThroughput.median(unbatchedSeconds);
        System.out.printf(
                Locale.ROOT,
                "{\"threads\":\"%s\",\"documents\":%d,\"requests\":%d,\"request_tokens\":%d,\"scored_tokens\":%d,"
                        + "\"batched_scored_tokens_per_s\":%.1f,\"unbatched_scored_tokens_per_s\":%.1f,\"speedup\":%.2f,"
                        + "\"batched_request_tokens_per_s\":%.1f,\"unbatched_request_tokens_per_s\":%.1f,"
                        + "\"batched_tokens_forwarded\":%d,\"unbatched_tokens_forwarded\":%d,"
                        + "\"batched_runs_s\":%s,\"unbatched_runs_s\":%s}%n",
                System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"),
                documents,
                documents * CHOICES,
                requestTokens,
                scoredTokens,
                batchedRate,
                unbatchedRate,
                batchedRate / unbatchedRate,
                requestTokens / ForwardThroughput.median(batchedSeconds),
                requestTokens / ForwardThroughput.median(unbatchedSeconds),
                forwarded[0],
                forwarded[1],
                Arrays.toString(batchedSeconds),
                Arrays.toString(unbatchedSeconds));
    }

    /** Contexts of 60–200 characters and 4 choices of 5–30, printable ASCII (one byte-level token each). */
    private static List<MultipleChoiceInstance> instances(int documents, Random random) {
        List<MultipleChoiceInstance> instances = new ArrayList<>();
        for (int d = 0; d < documents; d++) {
            String context = ascii(random, 60 + random.nextInt(141));
            List<String> choices = new ArrayList<>();
            for (int c = 0; c < CHOICES; c++) {
                choices.add(ascii(random, 5 + random.nextInt(26)));
            }
            instances.add(new MultipleChoiceInstance(
                    "bench-" + d, Collections.nCopies(CHOICES, context), choices, choices, random.nextInt(CHOICES)));
        }
        return instances;
    }

    /** Letters only, so no context ends in whitespace and every choice is scored as drawn. */
    private static String ascii(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
