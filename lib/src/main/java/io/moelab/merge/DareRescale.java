package io.moelab.merge;

/** How DARE scales the task-vector entries it keeps ({@code rescale:} in the config). */
public enum DareRescale {
    /** By {@code 1/(1−p) = 1/density}, as the DARE paper does: the expected task vector is unchanged. */
    PAPER("paper"),
    /** So that the tensor's task vector keeps its L1 norm, as mergekit's {@code rescale: true} does today. */
    L1("l1");

    private final String yamlName;

    DareRescale(String yamlName) {
        this.yamlName = yamlName;
    }

    public String yamlName() {
        return yamlName;
    }
}
