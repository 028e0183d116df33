package io.moelab.eval.task;

/**
 * A document a template or processor cannot use (a missing column, a value of the wrong type, an
 * index out of range). {@link TaskDefinition} adds the task and document id and rethrows it as a
 * {@link io.moelab.MoelabInputException}.
 */
final class DocumentException extends RuntimeException {
    DocumentException(String message) {
        super(message);
    }
}
