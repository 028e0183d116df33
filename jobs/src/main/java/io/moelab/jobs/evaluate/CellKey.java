package io.moelab.jobs.evaluate;

import java.io.Serializable;

/** One (model variant, routing policy, task) cell of the evaluation grid, by index into the config's lists. */
record CellKey(int model, int policy, int task) implements Serializable, Comparable<CellKey> {
    @Override
    public int compareTo(CellKey o) {
        int c = Integer.compare(model, o.model);
        c = c != 0 ? c : Integer.compare(policy, o.policy);
        return c != 0 ? c : Integer.compare(task, o.task);
    }
}
