package io.moelab.eval.task;

import io.moelab.MoelabInputException;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a task's rows are: per split, path patterns (Hadoop globs; local paths, or URIs such as
 * {@code s3a://bucket/x/*.parquet}) already resolved against the task file's directory or the data
 * root, and the format to read them in.
 *
 * @param format how to read the files
 * @param splits split name → path patterns, in task-file order
 */
public record DataFiles(Format format, Map<String, List<String>> splits) implements Serializable {

    /** File formats; {@link #AUTO} picks by extension as the dataset readers do. */
    public enum Format {
        JSONL,
        PARQUET,
        AUTO;

        /** The name task files use. */
        public String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public DataFiles {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        splits.forEach((split, paths) -> copy.put(split, List.copyOf(paths)));
        splits = Collections.unmodifiableMap(copy);
    }

    /**
     * @throws MoelabInputException when the task file gives no files for {@code split}
     */
    public List<String> paths(String split) {
        List<String> paths = splits.get(split);
        if (paths == null) {
            throw new MoelabInputException("dataset.data_files has no split '" + split + "' (splits: "
                    + String.join(", ", splits.keySet()) + ")");
        }
        return paths;
    }
}
