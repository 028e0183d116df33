package io.moelab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.MoelabInputException;
import io.moelab.eval.task.PairEncoding;
import io.moelab.model.tokenizer.ByteTokenizer;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PairEncoderTest {
    private static final int BOS = 2;
    private static final int EOS = 3;
    private static final SpecialTokens SPECIAL = new SpecialTokens(OptionalInt.of(BOS), OptionalInt.of(EOS));

    private static PairEncoder encoder(PairEncoding encoding, boolean addBos, int maxLength) {
        return new PairEncoder(new ByteTokenizer(), encoding, addBos, SPECIAL, maxLength);
    }

    @Test
    void lmEvalMovesTrailingWhitespaceOfTheContextIntoTheContinuation() {
        ScoringRequest request = encoder(PairEncoding.LM_EVAL, true, 100).encode("Q: 1+1 \t ", "2", "doc choice 0");
        assertArrayEquals(concat(new int[] {BOS}, bytes("Q: 1+1")), request.prefix());
        assertArrayEquals(bytes(" \t 2"), request.targets());
    }

    @Test
    void asGivenScoresTheContinuationUnchanged() {
        ScoringRequest request = encoder(PairEncoding.AS_GIVEN, true, 100).encode("Q: 1+1 ", "2", "doc choice 0");
        assertArrayEquals(concat(new int[] {BOS}, bytes("Q: 1+1 ")), request.prefix());
        assertArrayEquals(bytes("2"), request.targets());
    }

    @Test
    void withoutBosTheContextStandsAloneAndAnEmptyContextGetsThePrefixToken() {
        PairEncoder encoder = encoder(PairEncoding.LM_EVAL, false, 100);
        assertArrayEquals(bytes("ab"), encoder.encode("ab", "c", "x").prefix());
        assertArrayEquals(new int[] {BOS}, encoder.encode("", "c", "x").prefix());
        assertArrayEquals(new int[] {BOS}, encoder.encode("  ", "c", "x").prefix(), "only whitespace: it all moves");
        assertArrayEquals(bytes("  c"), encoder.encode("  ", "c", "x").targets());
    }

    @Test
    void withoutBosOrEosAnEmptyContextIsRejected() {
        PairEncoder encoder = new PairEncoder(
                new ByteTokenizer(),
                PairEncoding.LM_EVAL,
                true,
                new SpecialTokens(OptionalInt.empty(), OptionalInt.empty()),
                100);
        MoelabInputException e = assertThrows(MoelabInputException.class, () -> encoder.encode("", "c", "x"));
        assertTrue(e.getMessage().contains("bos_token_id"), e.getMessage());
    }

    @Test
    void tooLongRequestsKeepTheirLastMaxLengthPlusOneTokens() {
        ScoringRequest request = encoder(PairEncoding.AS_GIVEN, true, 5).encode("abcdef", "xyz", "x");
        assertArrayEquals(bytes("def"), request.prefix(), "lm-eval: (context + continuation)[-(max_length + 1):]");
        assertArrayEquals(bytes("xyz"), request.targets());
        assertTrue(request.inputLength() <= 5);
    }

    @Test
    void aContinuationLongerThanTheModelIsRejectedNamingTheRequest() {
        MoelabInputException e = assertThrows(
                MoelabInputException.class,
                () -> encoder(PairEncoding.AS_GIVEN, true, 3).encode("a", "wxyz", "doc-7 choice 2"));
        assertTrue(e.getMessage().startsWith("doc-7 choice 2: the continuation is 4 tokens"), e.getMessage());
    }

    private static int[] bytes(String text) {
        return new ByteTokenizer().encode(text);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
