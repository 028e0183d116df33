/**
 * The merge-models job: several fine-tuned checkpoints of one base merged tensor by tensor on Spark
 * executors into a new Hugging Face checkpoint, with the merge coefficients in {@code merge_plans}.
 */
package io.moelab.jobs.merge;
