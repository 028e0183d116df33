package io.moelab.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ScanSummary: the row offsets of file splits, whichever partition counted them. */
class ScanSummaryTest {

    @Test
    void offsetsAreTheRowsOfTheFileEarlierSplitsInAnyMergeOrder() {
        ScanSummary first = new ScanSummary();
        for (int i = 0; i < 3; i++) {
            first.count("a.jsonl", 4096); // a later split of a.jsonl seen first
        }
        first.count("b.jsonl", 0);
        first.replacement.add("b.jsonl");
        ScanSummary second = new ScanSummary();
        for (int i = 0; i < 5; i++) {
            second.count("a.jsonl", 0);
        }
        second.count("a.jsonl", 8192);
        second.corrupt.add("a.jsonl");

        Map<String, Map<Long, Long>> expected = Map.of(
                "a.jsonl", Map.of(0L, 0L, 4096L, 5L, 8192L, 8L),
                "b.jsonl", Map.of(0L, 0L));
        ScanSummary merged = new ScanSummary().merge(first).merge(second);
        assertEquals(expected, merged.blockOffsets());
        assertEquals(expected, new ScanSummary().merge(second).merge(first).blockOffsets());
        assertEquals(Set.of("a.jsonl"), merged.corrupt);
        assertEquals(Set.of("b.jsonl"), merged.replacement);
    }
}
