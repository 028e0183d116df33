package io.moelab.compress;

import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.policy.EvalPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;

/** All logits of a batch as one flat array, for bit-exact comparisons of two models. */
public final class MoeModelLogits {
    private MoeModelLogits() {}

    public static float[] of(MoeModel model, int[][] sequences, EvalPolicy.Routed policy) {
        ForwardOptions.Builder options = ForwardOptions.builder();
        if (policy != null) {
            options.routing(policy.policy());
        }
        INDArray logits =
                model.forward(TokenBatch.of(sequences), options.build()).logits();
        return logits.dup('c').data().asFloat();
    }
}
