package io.moelab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.moelab.eval.RequestBatches.PrefixRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestBatchesTest {

    @Test
    void everyRequestRunsOnceWithinTheBudgetLongestFirst() {
        Random random = new Random(3);
        List<ScoringRequest> requests = new ArrayList<>();
        for (int doc = 0; doc < 40; doc++) {
            int[] context = random.ints(1 + random.nextInt(120), 0, 256).toArray();
            for (int choice = 0; choice < 4; choice++) {
                requests.add(new ScoringRequest(
                        context, random.ints(1 + random.nextInt(30), 0, 256).toArray()));
            }
        }
        requests.add(new ScoringRequest(new int[] {1}, new int[0]));
        int budget = 700;
        List<List<PrefixRun>> batches = RequestBatches.plan(requests, budget);

        int[] seen = new int[requests.size()];
        int previousLongest = Integer.MAX_VALUE;
        for (List<PrefixRun> batch : batches) {
            long tokens = 0;
            for (PrefixRun run : batch) {
                tokens += run.prefix().length;
                for (int member : run.members()) {
                    seen[member]++;
                    assertArrayEquals(requests.get(member).prefix(), run.prefix(), "a run's members share its prefix");
                    tokens += requests.get(member).targets().length - 1;
                }
            }
            assertTrue(tokens <= budget, "batch of " + tokens + " tokens");
            int longest = batch.stream()
                    .flatMapToInt(run -> Arrays.stream(run.members()))
                    .map(m -> requests.get(m).totalLength())
                    .max()
                    .orElseThrow();
            assertTrue(longest <= previousLongest, "batches go longest first");
            previousLongest = longest;
        }
        int[] once = new int[requests.size()];
        Arrays.fill(once, 1);
        once[once.length - 1] = 0;
        assertArrayEquals(once, seen, "each request with targets in exactly one run; the one without needs none");
        assertTrue(
                batches.stream().allMatch(b -> b.stream().anyMatch(run -> run.members().length > 1)),
                "shared contexts are grouped");
    }

    @Test
    void aRequestLargerThanTheBudgetGetsABatchAlone() {
        List<ScoringRequest> requests =
                List.of(new ScoringRequest(new int[50], new int[10]), new ScoringRequest(new int[] {1}, new int[3]));
        List<List<PrefixRun>> batches = RequestBatches.plan(requests, 20);
        assertEquals(2, batches.size());
        assertArrayEquals(new int[] {0}, batches.get(0).get(0).members());
    }
}
