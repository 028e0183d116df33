package io.moelab.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans batched forward calls: requests sorted by total length, longest first
 * (lm-evaluation-harness's order), requests with the same prefix kept together so the prefix is
 * read once, and each batch filled up to a token budget.
 */
final class RequestBatches {
    private RequestBatches() {}

    /**
     * Requests of one batch that share a prefix.
     *
     * @param members indices into the planned request list
     */
    record PrefixRun(int[] prefix, int[] members) {}

    /**
     * @param requests  the requests; those without targets need no forward call and are left out
     * @param maxTokens budget per batch: each run costs its prefix plus its members' targets but
     *                  the last; a run too big for any batch is split, and one request larger
     *                  than the budget gets a batch alone
     * @return batches in the order to run them; every request with targets is in exactly one run
     */
    static List<List<PrefixRun>> plan(List<ScoringRequest> requests, int maxTokens) {
        Map<PrefixKey, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < requests.size(); i++) {
            if (requests.get(i).targets().length == 0) {
                continue;
            }
            groups.computeIfAbsent(new PrefixKey(requests.get(i).prefix()), key -> new ArrayList<>())
                    .add(i);
        }
        Comparator<Integer> longestFirst = Comparator.comparingInt(
                        (Integer i) -> requests.get(i).totalLength())
                .reversed();
        List<List<Integer>> ordered = new ArrayList<>(groups.values());
        ordered.forEach(members -> members.sort(longestFirst));
        ordered.sort(Comparator.comparing((List<Integer> members) -> members.get(0), longestFirst));

        List<List<PrefixRun>> batches = new ArrayList<>();
        List<PrefixRun> batch = new ArrayList<>();
        long tokens = 0;
        for (List<Integer> members : ordered) {
            int[] prefix = requests.get(members.get(0)).prefix();
            List<Integer> run = new ArrayList<>();
            for (int member : members) {
                int extra = requests.get(member).targets().length - 1;
                long cost = extra + (run.isEmpty() ? prefix.length : 0);
                boolean batchHasWork = !batch.isEmpty() || !run.isEmpty();
                if (batchHasWork && tokens + cost > maxTokens) {
                    if (!run.isEmpty()) {
                        batch.add(prefixRun(prefix, run));
                        run = new ArrayList<>();
                    }
                    batches.add(batch);
                    batch = new ArrayList<>();
                    tokens = 0;
                    cost = extra + prefix.length;
                }
                run.add(member);
                tokens += cost;
            }
            batch.add(prefixRun(prefix, run));
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }

    private static PrefixRun prefixRun(int[] prefix, List<Integer> members) {
        return new PrefixRun(
                prefix, members.stream().mapToInt(Integer::intValue).toArray());
    }

    /** An int[] compared by content. */
    private record PrefixKey(int[] tokens) {
        @Override
        public boolean equals(Object other) {
            return other instanceof PrefixKey key && Arrays.equals(tokens, key.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }
    }
}
