/**
 * Scores of evaluation tasks (docs/METHODS.md §4) from the engine's per-document results, named as
 * lm-evaluation-harness names them, each with n and a standard error; and per-document outcomes
 * for the {@code eval_examples} table.
 */
package io.moelab.eval.metrics;
