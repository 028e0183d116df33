/**
 * Model merging of several fine-tuned checkpoints of one base (docs/METHODS.md §2, "Model merging"):
 * the per-tensor arithmetic of each method behind {@link io.moelab.merge.MergeMethod},
 * a mergekit-style YAML config ({@link io.moelab.merge.MergeConfig}) and the checks that
 * the checkpoints share one architecture ({@link io.moelab.merge.MergeCompatibility}).
 *
 * <p>Every method reads float32 values (half-precision checkpoints are upcast exactly), computes
 * in double and rounds once to float32. A tensor's result depends only on the config and the
 * models' values of that tensor, so a checkpoint merges tensor by tensor in any order or
 * partitioning with bit-identical results.
 */
package io.moelab.merge;
