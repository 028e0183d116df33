package io.moelab.merge;

import java.util.Arrays;
import java.util.List;

/**
 * The merge methods by their mergekit names, with the parameters each one reads and mergekit's
 * default for {@code normalize} (true for {@code linear} and {@code ties}, false for the others).
 */
public enum MergeMethodName {
    LINEAR("linear", false, false, false, true),
    TASK_ARITHMETIC("task_arithmetic", true, false, false, false),
    TIES("ties", true, true, false, true),
    DARE_LINEAR("dare_linear", true, true, true, false),
    DARE_TIES("dare_ties", true, true, true, false);

    private final String yamlName;
    private final boolean taskVectors;
    private final boolean sparsifies;
    private final boolean random;
    private final boolean defaultNormalize;

    MergeMethodName(
            String yamlName, boolean taskVectors, boolean sparsifies, boolean random, boolean defaultNormalize) {
        this.yamlName = yamlName;
        this.taskVectors = taskVectors;
        this.sparsifies = sparsifies;
        this.random = random;
        this.defaultNormalize = defaultNormalize;
    }

    /** The name in {@code merge_method}. */
    public String yamlName() {
        return yamlName;
    }

    /** Works on task vectors {@code θ_i − θ_base}: needs a base model and reads {@code lambda}. */
    public boolean usesTaskVectors() {
        return taskVectors;
    }

    /** Drops entries of each task vector: reads {@code density}. */
    public boolean usesDensity() {
        return sparsifies;
    }

    /** Drops entries at random: reads {@code rescale} and {@code seed}. */
    public boolean isRandom() {
        return random;
    }

    public boolean defaultNormalize() {
        return defaultNormalize;
    }

    /** The method called {@code name} in YAML, or null. */
    static MergeMethodName fromYaml(String name) {
        return Arrays.stream(values())
                .filter(m -> m.yamlName.equals(name))
                .findFirst()
                .orElse(null);
    }

    static List<String> yamlNames() {
        return Arrays.stream(values()).map(MergeMethodName::yamlName).toList();
    }
}
