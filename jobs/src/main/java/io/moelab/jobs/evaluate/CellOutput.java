package io.moelab.jobs.evaluate;

import io.moelab.eval.DocumentResult;
import io.moelab.eval.EngineCounters;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** What one partition computed for one cell: per-document results and the engine's counters. */
record CellOutput(CellKey cell, List<DocumentResult> results, EngineCounters counters) implements Serializable {

    CellOutput merge(CellOutput other) {
        List<DocumentResult> all = new ArrayList<>(results);
        all.addAll(other.results);
        return new CellOutput(cell, all, counters.plus(other.counters));
    }
}
