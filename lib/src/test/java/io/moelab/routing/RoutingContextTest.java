package io.moelab.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.moelab.moe.TokenBatch;
import org.junit.jupiter.api.Test;

/** A token's key depends on its sequence's ids up to it and nothing else; positions count from the past. */
class RoutingContextTest {

    @Test
    void aTokenInTheSamePrecedingTextHasTheSameKeyInAnyBatch() {
        RoutingContext batch = RoutingContext.of(TokenBatch.of(new int[] {4, 8, 15}, new int[] {4, 8, 16, 23}));
        RoutingContext alone = RoutingContext.of(TokenBatch.of(new int[] {4, 8, 16, 23}));
        for (int i = 0; i < 4; i++) {
            assertEquals(alone.tokenKey(i), batch.tokenKey(3 + i));
            assertEquals(i, batch.position(3 + i));
        }
        assertEquals(batch.tokenKey(1), batch.tokenKey(4));
        assertNotEquals(batch.tokenKey(2), batch.tokenKey(5), "same prefix, different token");
    }

    @Test
    void keysDependOnOrderAndOnEveryEarlierToken() {
        RoutingContext context = RoutingContext.of(TokenBatch.of(new int[] {1, 2}, new int[] {2, 1}, new int[] {3, 2}));
        assertNotEquals(context.tokenKey(1), context.tokenKey(3));
        assertNotEquals(context.tokenKey(1), context.tokenKey(5));
    }

    @Test
    void continuingAPrefixGivesTheKeysAndPositionsOfTheWholeSequence() {
        int[] ids = {9, 3, 27, 5, 11};
        RoutingContext whole = RoutingContext.of(TokenBatch.of(ids));
        RoutingContext rest = RoutingContext.continuing(
                TokenBatch.of(new int[] {27, 5, 11}), new int[] {2}, new long[] {whole.tokenKey(1)});
        for (int i = 0; i < 3; i++) {
            assertEquals(whole.tokenKey(2 + i), rest.tokenKey(i));
            assertEquals(2 + i, rest.position(i));
        }
    }
}
