package io.moelab.jobs.evaluate;

import io.moelab.eval.task.TaskInstance;
import java.io.Serializable;

/** One document of one task, ready to score: the unit the job shards. */
record EvalItem(int task, TaskInstance instance) implements Serializable {
}
