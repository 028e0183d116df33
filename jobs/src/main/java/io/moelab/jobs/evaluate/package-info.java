/**
 * The evaluation job: every (model variant, routing policy, task) cell scored in one Spark job, the
 * metrics computed in document-id order and committed as warehouse tables, with lm-evaluation-harness
 * {@code results.json} files beside them.
 */
package io.moelab.jobs.evaluate;
