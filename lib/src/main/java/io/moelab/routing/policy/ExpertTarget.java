package io.moelab.routing.policy;

import io.moelab.moe.MoeConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * One expert of one MoE layer, or of every MoE layer, as specs write it: {@code L/E}, or
 * {@code *}{@code /E} for every MoE layer.
 *
 * @param layer  decoder layer index, or {@link #EVERY_MOE_LAYER}
 * @param expert expert index within the layer
 */
public record ExpertTarget(int layer, int expert) implements Serializable, Comparable<ExpertTarget> {
    /** The {@code *} of a spec: the expert in every MoE layer. */
    public static final int EVERY_MOE_LAYER = -1;

    private static final Comparator<ExpertTarget> ORDER =
            Comparator.comparingInt(ExpertTarget::layer).thenComparingInt(ExpertTarget::expert);

    public boolean appliesTo(int decoderLayer) {
        return layer == EVERY_MOE_LAYER || layer == decoderLayer;
    }

    /** Whether both name the same expert in some layer. */
    public boolean overlaps(ExpertTarget other) {
        return expert == other.expert
                && (layer == EVERY_MOE_LAYER || other.layer == EVERY_MOE_LAYER || layer == other.layer);
    }

    @Override
    public int compareTo(ExpertTarget other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return (layer == EVERY_MOE_LAYER ? "*" : Integer.toString(layer)) + "/" + expert;
    }

    /** Parses {@code L/E+L/E...}: sorted, duplicates removed, so that the canonical spec is unique. */
    static List<ExpertTarget> parseList(String spec, String text) {
        if (text.isEmpty()) {
            throw SpecSyntax.malformed(spec, "empty expert list (expected L/E+L/E..., L a layer or *)");
        }
        TreeSet<ExpertTarget> targets = new TreeSet<>();
        for (String item : text.split("\\+", -1)) {
            int slash = item.indexOf('/');
            if (slash < 0) {
                throw SpecSyntax.malformed(spec, "'" + item + "' is not layer/expert (e.g. 1/3 or */3)");
            }
            String layerText = item.substring(0, slash);
            int layer = layerText.equals("*") ? EVERY_MOE_LAYER : SpecSyntax.integer(spec, "layer", layerText, 0);
            targets.add(new ExpertTarget(layer, SpecSyntax.integer(spec, "expert", item.substring(slash + 1), 0)));
        }
        return List.copyOf(targets);
    }

    static String join(List<ExpertTarget> targets) {
        List<String> parts = new ArrayList<>();
        targets.forEach(t -> parts.add(t.toString()));
        return String.join("+", parts);
    }

    /** The layer must be a MoE layer of the model and the expert one of its experts. */
    void validateFor(MoeConfig config, String spec) {
        if (layer != EVERY_MOE_LAYER) {
            if (layer >= config.layers().numLayers()) {
                throw SpecSyntax.unfit(
                        spec,
                        "layer " + layer + " does not exist (the model has layers 0.."
                                + (config.layers().numLayers() - 1) + "; MoE layers "
                                + Arrays.toString(config.layers().moeLayerIndices()) + ")");
            }
            if (!config.layers().isMoeLayer(layer)) {
                throw SpecSyntax.unfit(
                        spec,
                        "layer " + layer + " is not a MoE layer (MoE layers "
                                + Arrays.toString(config.layers().moeLayerIndices()) + ")");
            }
        }
        if (expert >= config.experts().numExperts()) {
            throw SpecSyntax.unfit(
                    spec,
                    "expert " + expert + " is out of range (the model has experts 0.."
                            + (config.experts().numExperts() - 1) + ")");
        }
    }
}
