package io.moelab.eval;

import java.io.Serializable;

/** What the engine measured for one task instance; the metrics turn a task's results into scores. */
public sealed interface DocumentResult extends Serializable
        permits MultipleChoiceResult, RollingResult, GenerationResult {

    /** The {@link io.moelab.eval.task.TaskDocument#id()} of the instance. */
    String documentId();
}
