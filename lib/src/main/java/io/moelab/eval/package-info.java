/**
 * The evaluation engine (docs/METHODS.md §4): scores multiple-choice, rolling-perplexity and generation
 * instances ({@link io.moelab.eval.task}) on a model under an evaluation policy, the way
 * lm-evaluation-harness's Hugging Face backend does, with batching that packs requests without
 * padding and reads a shared context once.
 */
package io.moelab.eval;
