package io.moelab.eval;

import io.moelab.MoelabInputException;
import io.moelab.eval.LoglikelihoodScorer.Score;
import io.moelab.eval.task.GenerationInstance;
import io.moelab.eval.task.MultipleChoiceInstance;
import io.moelab.eval.task.RollingInstance;
import io.moelab.eval.task.TaskInstance;
import io.moelab.model.MoeModel;
import io.moelab.model.tokenizer.Tokenizer;
import io.moelab.routing.policy.EvalPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs task instances through a model under one {@link EvalPolicy}, as lm-evaluation-harness's
 * Hugging Face backend scores them: multiple choice by the log-likelihood of each choice,
 * documents by rolling-window log-likelihood, generation greedily (or by SCMoE's self-contrast).
 * Keeps running {@link EngineCounters} over everything it forwarded. Not thread-safe: use one
 * engine per thread (the model may be shared).
 */
public final class EvaluationEngine {
    private final MoeModel model;
    private final Tokenizer tokenizer;
    private final EvalPolicy policy;
    private final EngineOptions options;
    private final SpecialTokens specialTokens;
    private final List<ForwardRunner> runners;
    private final PairEncoder pairEncoder;

    /** @throws MoelabInputException when the policy names layers, experts or a k the model lacks */
    public EvaluationEngine(MoeModel model, Tokenizer tokenizer, EvalPolicy policy, EngineOptions options) {
        policy.validateFor(model.config());
        this.model = model;
        this.tokenizer = tokenizer;
        this.policy = policy;
        this.options = options;
        this.specialTokens = SpecialTokens.of(tokenizer, model.config());
        if (policy instanceof EvalPolicy.Contrastive contrastive) {
            this.runners = List.of(
                    new ForwardRunner(model, contrastive.strong()), new ForwardRunner(model, contrastive.weak()));
        } else {
            this.runners = List.of(new ForwardRunner(model, ((EvalPolicy.Routed) policy).policy()));
        }
        this.pairEncoder = new PairEncoder(
                tokenizer,
                options.pairEncoding(),
                options.addBos(),
                specialTokens,
                model.config().attention().maxPositions());
    }

    /**
     * One result per instance, in the instances' order.
     *
     * @throws MoelabInputException for log-likelihood or rolling instances under a
     *         {@link EvalPolicy.Contrastive} policy, and for requests the model cannot hold
     */
    public List<DocumentResult> evaluate(List<? extends TaskInstance> instances) {
        if (policy instanceof EvalPolicy.Contrastive
                && instances.stream().anyMatch(i -> !(i instanceof GenerationInstance))) {
            throw new MoelabInputException("policy " + policy.spec()
                    + ": scmoe is a decoding policy; it applies to generate_until tasks only");
        }
        List<ScoringRequest> requests = new ArrayList<>();
        List<RequestSpan> spans = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            TaskInstance instance = instances.get(i);
            int first = requests.size();
            if (instance instanceof MultipleChoiceInstance mc) {
                for (int c = 0; c < mc.choices().size(); c++) {
                    requests.add(pairEncoder.encode(
                            mc.contexts().get(c), mc.continuations().get(c), mc.documentId() + " choice " + c));
                }
            } else if (instance instanceof RollingInstance rolling) {
                requests.addAll(RollingWindows.of(
                        tokenizer.encode(rolling.text()),
                        specialTokens.prefixToken(),
                        windowLength(rolling),
                        rolling.windows()));
            }
            spans.add(new RequestSpan(first, requests.size() - first));
        }
        Score[] scores = new LoglikelihoodScorer(runners.get(0), options).score(requests);
        GreedyGenerator generator = generator();
        List<DocumentResult> results = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            RequestSpan span = spans.get(i);
            TaskInstance instance = instances.get(i);
            if (instance instanceof MultipleChoiceInstance mc) {
                results.add(multipleChoice(mc, scores, span));
            } else if (instance instanceof RollingInstance rolling) {
                results.add(rolling(rolling, requests, scores, span));
            } else {
                GenerationInstance generation = (GenerationInstance) instance;
                results.add(new GenerationResult(
                        generation.documentId(),
                        generator.generate(generation),
                        generation.target(),
                        generation.extraction()));
            }
        }
        return results;
    }

    /** Everything forwarded since the engine was built, under every policy it runs. */
    public EngineCounters counters() {
        EngineCounters total = EngineCounters.ZERO;
        for (ForwardRunner runner : runners) {
            total = total.plus(runner.counters());
        }
        return total;
    }

    /** Requests {@code first .. first+count-1} belong to one instance. */
    private record RequestSpan(int first, int count) {}

    private int windowLength(RollingInstance rolling) {
        int length = rolling.maxLength() == 0 ? model.config().attention().maxPositions() : rolling.maxLength();
        int least = rolling.windows() == RollingInstance.WindowStrategy.DISJOINT ? 2 : 1;
        if (length < least) {
            throw new MoelabInputException(
                    rolling.documentId() + ": max_length " + rolling.maxLength() + " gives windows of " + length
                            + " tokens; " + rolling.windows() + " windows need at least " + least);
        }
        return length;
    }

    private GreedyGenerator generator() {
        if (policy instanceof EvalPolicy.Contrastive c) {
            return GreedyGenerator.selfContrast(
                    runners.get(0), runners.get(1), c.alpha(), c.beta(), tokenizer, specialTokens, options.addBos());
        }
        return GreedyGenerator.greedy(runners.get(0), tokenizer, specialTokens, options.addBos());
    }

    private static MultipleChoiceResult multipleChoice(MultipleChoiceInstance mc, Score[] scores, RequestSpan span) {
        double[] loglikelihoods = new double[span.count()];
        boolean[] greedy = new boolean[span.count()];
        for (int c = 0; c < span.count(); c++) {
            loglikelihoods[c] = scores[span.first() + c].loglikelihood();
            greedy[c] = scores[span.first() + c].greedy();
        }
        return new MultipleChoiceResult(mc.documentId(), loglikelihoods, greedy, mc.choices(), mc.gold());
    }

    private static RollingResult rolling(
            RollingInstance rolling, List<ScoringRequest> requests, Score[] scores, RequestSpan span) {
        double nll = 0;
        long tokens = 0;
        for (int w = span.first(); w < span.first() + span.count(); w++) {
            nll -= scores[w].loglikelihood();
            tokens += requests.get(w).targets().length;
        }
        return new RollingResult(rolling.documentId(), nll, tokens, rolling.bytes(), rolling.words());
    }
}
