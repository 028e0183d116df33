/**
 * Evaluation tasks in the style of EleutherAI's lm-evaluation-harness: {@link
 * io.moelab.eval.task.TaskDefinition} reads a task YAML file (schema in {@code tasks/README.md})
 * and turns each dataset row ({@link io.moelab.eval.task.TaskDocument}) into the model requests of
 * a {@link io.moelab.eval.task.TaskInstance}, which the scoring engine runs.
 */
package io.moelab.eval.task;
