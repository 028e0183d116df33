package io.moelab.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A SwiGLU feed-forward block {@code W2 · (silu(W1 x) ⊙ W3 x)}: an expert, a shared expert or a dense MLP. */
record SwiGlu(INDArray gate, INDArray up, INDArray down) {

    INDArray activation(INDArray x) {
        return MatrixOps.swigluActivation(x, gate, up);
    }

    INDArray project(INDArray activation) {
        return MatrixOps.timesTransposed(activation, down);
    }

    INDArray apply(INDArray x) {
        return project(activation(x));
    }
}
