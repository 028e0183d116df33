package io.moelab.eval.task;

import io.moelab.data.Murmur3;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * Picks a document's few-shot examples so that the choice depends only on the seed, the document's
 * id and the pool's ids, never on partitioning or the order rows arrive in: the pool is ordered by
 * MurmurHash3 of (seed, document id, example id) and the first n are taken, skipping the document
 * itself. Each document gets its own examples, as lm-evaluation-harness draws them per document.
 */
final class FewShotSampler {
    private FewShotSampler() {}

    /**
     * @return n examples in prompt order
     * @throws DocumentException when the pool holds fewer than n documents besides {@code doc}
     */
    static List<TaskDocument> sample(List<TaskDocument> pool, TaskDocument doc, int n, long seed, String split) {
        record Keyed(long key, TaskDocument doc) {}
        String prefix = seed + "\u0000" + doc.id() + "\u0000";
        List<TaskDocument> chosen = pool.stream()
                .filter(candidate -> !candidate.id().equals(doc.id()))
                .map(candidate -> new Keyed(
                        Murmur3.hash64((prefix + candidate.id()).getBytes(StandardCharsets.UTF_8), 0), candidate))
                .sorted(Comparator.comparing(Keyed::key, Long::compareUnsigned)
                        .thenComparing(keyed -> keyed.doc().id()))
                .limit(n)
                .map(Keyed::doc)
                .toList();
        if (chosen.size() < n) {
            throw new DocumentException("num_fewshot " + n + " but fewshot split '" + split + "' has only "
                    + chosen.size() + " other documents");
        }
        return chosen;
    }
}
