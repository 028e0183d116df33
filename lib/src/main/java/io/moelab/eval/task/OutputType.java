package io.moelab.eval.task;

/** How a task turns documents into model requests, as lm-evaluation-harness's {@code output_type}. */
public enum OutputType {
    /** Log-likelihood of each choice after the context; acc and acc_norm. */
    MULTIPLE_CHOICE("multiple_choice"),
    /** Whole-document log-likelihood in rolling windows; perplexities and bits per byte. */
    LOGLIKELIHOOD_ROLLING("loglikelihood_rolling"),
    /** Greedy generation until a stop string; exact match after answer extraction. */
    GENERATE_UNTIL("generate_until");

    private final String yamlName;

    OutputType(String yamlName) {
        this.yamlName = yamlName;
    }

    /** The name task files use. */
    public String yamlName() {
        return yamlName;
    }
}
