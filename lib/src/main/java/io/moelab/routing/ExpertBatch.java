package io.moelab.routing;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The tokens one routed expert processed in a layer, with what it computed for them, handed to
 * observers that ask for it.
 *
 * @param tokens     indices into the packed batch, ascending
 * @param output     the expert's {@code down_proj} output [tokens × hidden], before the gate; null unless asked
 * @param activation its hidden activation {@code silu(W1 x) ⊙ W3 x} [tokens × intermediate]; null unless asked
 */
public record ExpertBatch(int expert, int[] tokens, INDArray output, INDArray activation) {}
