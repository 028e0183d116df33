package io.moelab.stats;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;

/**
 * The (MoE layer × routed expert) grid a routing statistic covers: the decoder-layer index of each
 * MoE layer, ascending, and the routed experts per layer. Immutable. Accumulators index their
 * per-expert arrays by {@link #cell} and refuse to merge with an accumulator of another grid.
 */
public final class ExpertGrid implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int[] decoderLayers;
    private final int numExperts;

    /**
     * @param decoderLayers decoder-layer index of each MoE layer, ascending ({@code MoeConfig.layers().moeLayerIndices()})
     * @param numExperts    routed experts per MoE layer
     * @throws IllegalArgumentException without a MoE layer or an expert
     */
    public ExpertGrid(int[] decoderLayers, int numExperts) {
        if (decoderLayers.length == 0 || numExperts < 1) {
            throw new IllegalArgumentException("routing statistics need at least one MoE layer and one expert, got "
                    + decoderLayers.length + " layers and " + numExperts + " experts");
        }
        this.decoderLayers = decoderLayers.clone();
        this.numExperts = numExperts;
    }

    public int moeLayers() {
        return decoderLayers.length;
    }

    public int numExperts() {
        return numExperts;
    }

    /** The decoder-layer index written to the tables for MoE layer {@code moeLayer}. */
    public int decoderLayer(int moeLayer) {
        return decoderLayers[moeLayer];
    }

    /** Number of (MoE layer, expert) cells. */
    int cells() {
        return decoderLayers.length * numExperts;
    }

    /** Row-major index of (MoE layer, expert), both checked. */
    int cell(int moeLayer, int expert) {
        checkLayer(moeLayer);
        checkExpert(expert);
        return moeLayer * numExperts + expert;
    }

    void checkLayer(int moeLayer) {
        if (moeLayer < 0 || moeLayer >= decoderLayers.length) {
            throw new IllegalArgumentException(
                    "MoE layer " + moeLayer + " out of range 0.." + (decoderLayers.length - 1));
        }
    }

    void checkExpert(int expert) {
        if (expert < 0 || expert >= numExperts) {
            throw new IllegalArgumentException("expert " + expert + " out of range 0.." + (numExperts - 1));
        }
    }

    /** Checks that a routing decision routes among this grid's experts. */
    void checkExperts(int experts) {
        if (experts != numExperts) {
            throw new IllegalArgumentException(
                    "routing decision has " + experts + " experts, statistics have " + numExperts);
        }
    }

    /**
     * Checks that {@code other} is the same grid, before a merge.
     *
     * @param statistic what is being merged, for the message
     * @throws IllegalArgumentException when the MoE layers or the expert count differ
     */
    void requireSame(ExpertGrid other, String statistic) {
        if (!equals(other)) {
            throw new IllegalArgumentException(
                    "cannot merge " + statistic + " of " + other + " into " + statistic + " of " + this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpertGrid other
                && numExperts == other.numExperts
                && Arrays.equals(decoderLayers, other.decoderLayers);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(decoderLayers) + numExperts;
    }

    @Override
    public String toString() {
        return "MoE layers " + Arrays.toString(decoderLayers) + " with " + numExperts + " experts";
    }
}
