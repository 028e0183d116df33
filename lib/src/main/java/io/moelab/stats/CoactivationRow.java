package io.moelab.stats;

/** Row of table {@code coactivation}: tokens that selected both experts {@code expertA < expertB} in one layer. */
public record CoactivationRow(int layer, int expertA, int expertB, long tokens) {}
