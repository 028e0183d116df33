package io.moelab.eval;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.PairEncoding;
import io.moelab.model.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Turns a (context, continuation) pair into a {@link ScoringRequest} the way
 * lm-evaluation-harness's {@code loglikelihood} does: {@code _encode_pair} (unless the options ask
 * for the continuation as given), BOS first when asked, the prefix token before an empty context,
 * and left truncation to the model's positions.
 */
final class PairEncoder {
    private final Tokenizer tokenizer;
    private final PairEncoding encoding;
    private final OptionalInt bos;
    private final SpecialTokens specialTokens;
    private final int maxLength;

    /**
     * @param addBos    put {@code specialTokens.bos()} before every context when the model has one
     * @param maxLength most tokens one request may read (the model's positions)
     */
    PairEncoder(
            Tokenizer tokenizer, PairEncoding encoding, boolean addBos, SpecialTokens specialTokens, int maxLength) {
        this.tokenizer = tokenizer;
        this.encoding = encoding;
        this.bos = addBos ? specialTokens.bos() : OptionalInt.empty();
        this.specialTokens = specialTokens;
        this.maxLength = maxLength;
    }

    /**
     * @param source names the request in error messages (document and choice)
     * @throws MoelabInputException when the continuation alone does not fit the model's positions
     */
    ScoringRequest encode(String context, String continuation, String source) {
        String ctx = context;
        String cont = continuation;
        if (encoding == PairEncoding.LM_EVAL) {
            int split = withoutTrailingWhitespace(ctx);
            cont = ctx.substring(split) + cont;
            ctx = ctx.substring(0, split);
        }
        int[] contextTokens = tokenizer.encode(ctx);
        int[] whole = tokenizer.encode(ctx + cont);
        int[] continuationTokens =
                Arrays.copyOfRange(whole, Math.min(contextTokens.length, whole.length), whole.length);
        int[] prefix = withStart(contextTokens);
        if (continuationTokens.length > maxLength) {
            throw new MoelabInputException(source + ": the continuation is " + continuationTokens.length
                    + " tokens, more than the model's " + maxLength + " positions");
        }
        int excess = prefix.length + continuationTokens.length - (maxLength + 1);
        if (excess > 0) {
            // lm-eval keeps the last max_length + 1 tokens of context + continuation.
            prefix = Arrays.copyOfRange(prefix, excess, prefix.length);
        }
        return new ScoringRequest(prefix, continuationTokens);
    }

    private int[] withStart(int[] contextTokens) {
        if (bos.isPresent()) {
            int[] prefix = new int[contextTokens.length + 1];
            prefix[0] = bos.getAsInt();
            System.arraycopy(contextTokens, 0, prefix, 1, contextTokens.length);
            return prefix;
        }
        return contextTokens.length > 0 ? contextTokens : new int[] {specialTokens.prefixToken()};
    }

    /** Length of {@code s} without its trailing whitespace, whitespace as Python's {@code str.isspace}. */
    private static int withoutTrailingWhitespace(String s) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!Character.isWhitespace(cp) && !Character.isSpaceChar(cp)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return end;
    }
}
