package io.moelab.eval.task;

import java.io.Serializable;

/** The model requests one document of a task turns into; the engine scores them. */
public sealed interface TaskInstance extends Serializable
        permits MultipleChoiceInstance, RollingInstance, GenerationInstance {

    /** The {@link TaskDocument#id()} it came from. */
    String documentId();
}
