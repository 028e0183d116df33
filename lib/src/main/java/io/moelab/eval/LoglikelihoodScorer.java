package io.moelab.eval;

import io.moelab.eval.RequestBatches.PrefixRun;
import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.moe.TokenBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Scores {@link ScoringRequest}s: the summed log-probability of each request's targets and whether
 * each target was the model's argmax. Batched, requests sharing a prefix read it once: one forward
 * call reads the batch's prefixes (a lone request reads its whole input), a second reads the
 * shared prefixes' continuations from copies of their KV cache. Otherwise each request is one
 * forward call. Either way the scores agree to float32 rounding.
 */
final class LoglikelihoodScorer {
    private final ForwardRunner runner;
    private final EngineOptions options;

    /** @param loglikelihood in nats */
    record Score(double loglikelihood, boolean greedy) {}

    LoglikelihoodScorer(ForwardRunner runner, EngineOptions options) {
        this.runner = runner;
        this.options = options;
    }

    Score[] score(List<ScoringRequest> requests) {
        Accumulator scores = new Accumulator(requests.size());
        if (options.batched()) {
            for (List<PrefixRun> batch : RequestBatches.plan(requests, options.maxBatchTokens())) {
                scoreBatch(requests, batch, scores);
            }
        } else {
            for (int i = 0; i < requests.size(); i++) {
                if (requests.get(i).targets().length > 0) {
                    scoreAlone(requests.get(i), i, scores);
                }
            }
        }
        return scores.toScores();
    }

    private void scoreAlone(ScoringRequest request, int index, Accumulator scores) {
        int[] targets = request.targets();
        int firstRow = request.prefix().length - 1;
        ForwardResult result = runner.forward(
                TokenBatch.of(request.input()),
                null,
                IntStream.range(firstRow, firstRow + targets.length).toArray());
        LogitRows rows = new LogitRows(result);
        float[] row = new float[rows.vocab()];
        for (int k = 0; k < targets.length; k++) {
            scores.add(index, rows.row(firstRow + k, row), targets[k]);
        }
    }

    private void scoreBatch(List<ScoringRequest> requests, List<PrefixRun> batch, Accumulator scores) {
        int[][] firstPass = new int[batch.size()][];
        for (int r = 0; r < batch.size(); r++) {
            PrefixRun run = batch.get(r);
            firstPass[r] =
                    run.members().length == 1 ? requests.get(run.members()[0]).input() : run.prefix();
        }
        KvCache cache = new KvCache(runner.model().config(), batch.size());
        TokenBatch firstBatch = TokenBatch.of(firstPass);
        // Only the rows scored below: a lone request's target rows, a shared prefix's last row.
        int[] lastPrefixRows = new int[batch.size()];
        IntStream.Builder scoredRows = IntStream.builder();
        for (int r = 0; r < batch.size(); r++) {
            PrefixRun run = batch.get(r);
            lastPrefixRows[r] = firstBatch.start(r) + run.prefix().length - 1;
            int rows =
                    run.members().length == 1 ? requests.get(run.members()[0]).targets().length : 1;
            for (int k = 0; k < rows; k++) {
                scoredRows.add(lastPrefixRows[r] + k);
            }
        }
        ForwardResult first =
                runner.forward(firstBatch, cache, scoredRows.build().toArray());
        LogitRows firstRows = new LogitRows(first);
        float[] row = new float[firstRows.vocab()];
        List<Integer> forkSources = new ArrayList<>();
        List<Integer> forkMembers = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            PrefixRun run = batch.get(r);
            int lastPrefixRow = lastPrefixRows[r];
            if (run.members().length == 1) {
                int member = run.members()[0];
                int[] targets = requests.get(member).targets();
                for (int k = 0; k < targets.length; k++) {
                    scores.add(member, firstRows.row(lastPrefixRow + k, row), targets[k]);
                }
                continue;
            }
            firstRows.row(lastPrefixRow, row);
            for (int member : run.members()) {
                int[] targets = requests.get(member).targets();
                scores.add(member, row, targets[0]);
                if (targets.length > 1) {
                    forkSources.add(r);
                    forkMembers.add(member);
                }
            }
        }
        if (forkMembers.isEmpty()) {
            return;
        }
        int[][] continuations = new int[forkMembers.size()][];
        for (int i = 0; i < continuations.length; i++) {
            int[] targets = requests.get(forkMembers.get(i)).targets();
            continuations[i] = Arrays.copyOf(targets, targets.length - 1);
        }
        KvCache forked =
                cache.fork(forkSources.stream().mapToInt(Integer::intValue).toArray());
        // Every row of the continuations is scored.
        ForwardResult second = runner.forward(TokenBatch.of(continuations), forked, null);
        LogitRows secondRows = new LogitRows(second);
        for (int i = 0; i < continuations.length; i++) {
            int member = forkMembers.get(i);
            int[] targets = requests.get(member).targets();
            int start = second.batch().start(i);
            for (int k = 1; k < targets.length; k++) {
                scores.add(member, secondRows.row(start + k - 1, row), targets[k]);
            }
        }
    }

    /** Running sums per request; a request with no targets scores 0 and counts as greedy. */
    private static final class Accumulator {
        private final double[] loglikelihoods;
        private final boolean[] greedy;

        Accumulator(int requests) {
            loglikelihoods = new double[requests];
            greedy = new boolean[requests];
            Arrays.fill(greedy, true);
        }

        void add(int request, float[] logits, int target) {
            loglikelihoods[request] += LogitRows.logProbability(logits, target);
            greedy[request] &= LogitRows.argmax(logits) == target;
        }

        Score[] toScores() {
            Score[] scores = new Score[loglikelihoods.length];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = new Score(loglikelihoods[i], greedy[i]);
            }
            return scores;
        }
    }
}
