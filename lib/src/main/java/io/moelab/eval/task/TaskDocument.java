package io.moelab.eval.task;

import java.io.Serializable;
import java.util.Map;
import java.util.Objects;

/**
 * One row of a task's dataset as plain Java values: {@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code List<Object>} for arrays and {@code Map<String, Object>} for structs,
 * null for missing values. The id is stable across runs and partitionings (the dataset's id
 * column, or file and row).
 */
public record TaskDocument(String id, Map<String, Object> fields) implements Serializable {
    public TaskDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(fields, "fields");
    }
}
