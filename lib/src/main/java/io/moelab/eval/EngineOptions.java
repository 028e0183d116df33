package io.moelab.eval;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.PairEncoding;

/**
 * How the {@link EvaluationEngine} turns requests into forward calls.
 *
 * @param maxBatchTokens most tokens one batched forward call carries (a single longer request
 *                       still runs, alone)
 * @param batched        pack requests, sorted by length, into forward calls of up to
 *                       {@code maxBatchTokens} tokens, forwarding a context shared by several
 *                       choices once; false runs one request per forward call (the baseline the
 *                       throughput bench compares against)
 * @param addBos         put the model's BOS token before every log-likelihood context and
 *                       generation prompt, as the model card prescribes for models trained with a
 *                       BOS. lm-evaluation-harness's Hugging Face backend omits it by default and
 *                       adds a prefix token only before an empty context; rolling windows always
 *                       start with the prefix token either way
 * @param pairEncoding   how a (context, continuation) pair becomes tokens
 */
public record EngineOptions(int maxBatchTokens, boolean batched, boolean addBos, PairEncoding pairEncoding)
        implements java.io.Serializable {

    public static final int DEFAULT_MAX_BATCH_TOKENS = 4096;

    public EngineOptions {
        if (maxBatchTokens < 1) {
            throw new MoelabInputException("maxBatchTokens must be at least 1, got " + maxBatchTokens);
        }
    }

    /** Batched, {@value #DEFAULT_MAX_BATCH_TOKENS} tokens per call, BOS first, lm-eval's pair encoding. */
    public static EngineOptions defaults() {
        return new EngineOptions(DEFAULT_MAX_BATCH_TOKENS, true, true, PairEncoding.LM_EVAL);
    }

    public EngineOptions withMaxBatchTokens(int tokens) {
        return new EngineOptions(tokens, batched, addBos, pairEncoding);
    }

    public EngineOptions withBatched(boolean batch) {
        return new EngineOptions(maxBatchTokens, batch, addBos, pairEncoding);
    }

    public EngineOptions withAddBos(boolean bos) {
        return new EngineOptions(maxBatchTokens, batched, bos, pairEncoding);
    }

    public EngineOptions withPairEncoding(PairEncoding encoding) {
        return new EngineOptions(maxBatchTokens, batched, addBos, encoding);
    }
}
