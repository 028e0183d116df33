package io.moelab.jobs.evaluate;

import java.io.Serializable;

/**
 * Documents {@code index·size .. (index+1)·size−1} of a task, in the seed's document order: the unit one
 * engine call scores. Groups are formed from the documents alone, so every forward call batches the same
 * requests together however the job is partitioned, and the scores are identical for 1 or N partitions.
 */
record EvalGroup(int task, long index) implements Serializable, Comparable<EvalGroup> {
    @Override
    public int compareTo(EvalGroup o) {
        int c = Integer.compare(task, o.task);
        return c != 0 ? c : Long.compare(index, o.index);
    }
}
