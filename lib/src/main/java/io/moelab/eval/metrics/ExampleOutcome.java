package io.moelab.eval.metrics;

import java.io.Serializable;

/**
 * One document's outcome, a row of the {@code eval_examples} table.
 *
 * <ul>
 *   <li>multiple choice: the predicted and the gold choice text, whether they agree (acc), and
 *       every choice's log-likelihood;</li>
 *   <li>generation: the answer under the task's first filter, the target, exact match under that
 *       filter, no log-likelihoods;</li>
 *   <li>rolling: empty prediction and target, not correct, and the document's total
 *       log-likelihood as the single log-likelihood.</li>
 * </ul>
 */
public record ExampleOutcome(
        String documentId, String prediction, String target, boolean correct, double[] loglikelihoods)
        implements Serializable {
    public ExampleOutcome {
        loglikelihoods = loglikelihoods.clone();
    }

    @Override
    public double[] loglikelihoods() {
        return loglikelihoods.clone();
    }
}
