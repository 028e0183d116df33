package io.moelab.moe;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Which decoder layers hold a MoE block and which a dense SwiGLU MLP.
 *
 * @param numLayers         decoder layers
 * @param moeLayers         indices of the MoE layers, ascending
 * @param denseIntermediate width of a dense layer's MLP; 0 when the family has none
 */
public record LayerPlan(int numLayers, List<Integer> moeLayers, int denseIntermediate) {

    public LayerPlan {
        moeLayers = List.copyOf(moeLayers);
    }

    /** The plan from one flag per layer. */
    static LayerPlan of(boolean[] isMoe, int denseIntermediate) {
        return new LayerPlan(
                isMoe.length,
                IntStream.range(0, isMoe.length).filter(l -> isMoe[l]).boxed().toList(),
                denseIntermediate);
    }

    public boolean isMoeLayer(int layer) {
        return moeLayers.contains(layer);
    }

    /** Indices of the decoder layers whose MLP is a MoE block, ascending. */
    public int[] moeLayerIndices() {
        return moeLayers.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The last MoE layer, -1 when there is none. */
    public int lastMoeLayer() {
        return moeLayers.isEmpty() ? -1 : moeLayers.get(moeLayers.size() - 1);
    }
}
