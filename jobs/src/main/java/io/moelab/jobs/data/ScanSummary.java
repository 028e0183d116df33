package io.moelab.jobs.data;

import java.io.Serializable;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the first pass over a dataset's rows learns ({@link IdentifiedRows}): rows per file split
 * (file and split start, {@code _metadata.file_block_start}), from which each row's index in its file
 * follows, and the files that need a strict UTF-8 look. Partial summaries of the partitions are merged
 * on the driver.
 */
final class ScanSummary implements Serializable {
    final Map<String, TreeMap<Long, Long>> rowsPerBlock = new HashMap<>();
    /** Files with a line Spark's JSON reader could not parse. */
    final Set<String> corrupt = new LinkedHashSet<>();
    /** Files with U+FFFD in a checked text column: bad bytes, or a literal U+FFFD. */
    final Set<String> replacement = new LinkedHashSet<>();

    void count(String file, long block) {
        rowsPerBlock.computeIfAbsent(file, f -> new TreeMap<>()).merge(block, 1L, Long::sum);
    }

    ScanSummary merge(ScanSummary o) {
        o.rowsPerBlock.forEach((file, blocks) -> blocks.forEach((b, n) ->
                rowsPerBlock.computeIfAbsent(file, f -> new TreeMap<>()).merge(b, n, Long::sum)));
        corrupt.addAll(o.corrupt);
        replacement.addAll(o.replacement);
        return this;
    }

    /** For each file and split start: rows of the file's earlier splits. */
    Map<String, Map<Long, Long>> blockOffsets() {
        Map<String, Map<Long, Long>> out = new HashMap<>();
        rowsPerBlock.forEach((file, blocks) -> {
            Map<Long, Long> offsets = new HashMap<>();
            long sum = 0;
            for (Map.Entry<Long, Long> e : blocks.entrySet()) {
                offsets.put(e.getKey(), sum);
                sum += e.getValue();
            }
            out.put(file, offsets);
        });
        return out;
    }
}
