package io.moelab.compress.pipeline;

/** How a compressed checkpoint is written (docs/METHODS.md §2, M-SMoE). */
public enum ExportForm {
    /** Standard Hugging Face format: the expert count becomes m and the router keeps one row per target expert. */
    SMALLER_ROUTER,
    /** The router keeps all E rows and {@code config.json} maps each to its target expert: routing stays exact. moelab only. */
    EXACT_ROUTER
}
