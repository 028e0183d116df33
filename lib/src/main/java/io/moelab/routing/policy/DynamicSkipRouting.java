package io.moelab.routing.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.moelab.MoelabInputException;
import io.moelab.moe.MoeConfig;
import io.moelab.routing.ExpertSelection;
import io.moelab.routing.FamilyRule;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.Softmax;
import io.moelab.routing.TopK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code skip:betas=FILE}: NAEE's dynamic expert skipping (Lu et al. 2024, "Not All Experts are
 * Equal: Efficient Expert Pruning and Skipping for Mixture-of-Experts Large Language Models").
 * The family's top-k is chosen as usual; every slot after the first whose probability is below
 * {@code β_layer} times the first slot's is skipped (for top-2 models: slot 2 when
 * {@code w2 < β·w1}, the comparison in float32 as the reference does it). The kept experts are then
 * gated by the family's rule over the kept set: NAEE's reference code
 * ({@code DynamicSkippingMixtralSparseMoeBlock} in {@code model/modeling_mixtral.py} of
 * Lucky-Lance/Expert_Sparsity) zeroes the skipped weight and then divides the top-k weights by
 * their sum, so on Mixtral a token left with one expert gets gate 1. Skipped experts are not in
 * the decision, so {@link RoutingDecision#meanExpertsPerToken()} counts only experts that ran.
 *
 * <p>The betas come from a JSON file {@code {"betas": {"<decoder layer index>": β, ...}}} with
 * one β in [0, 1] for every MoE layer, read when the spec is parsed (so the policy travels to
 * executors without the file).
 */
public final class DynamicSkipRouting implements ExpertSelection {
    static final PolicyKind KIND = new PolicyKind.Selector("skip", "skip:betas=FILE", DynamicSkipRouting::parse);
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String source;
    private final TreeMap<Integer, Float> betas;

    /**
     * @param source the betas file as the spec names it
     * @param betas  β per decoder layer index
     */
    public DynamicSkipRouting(String source, Map<Integer, Float> betas) {
        this.source = source;
        this.betas = new TreeMap<>(betas);
    }

    /** The body {@code betas=FILE}: reads and checks the file; errors quote {@code spec} and name the file. */
    static DynamicSkipRouting parse(String spec, String body) {
        String file = SpecSyntax.single(spec, body, "betas");
        if (file.isEmpty()) {
            throw SpecSyntax.malformed(spec, "betas= needs a file");
        }
        return load(spec, file);
    }

    private static DynamicSkipRouting load(String spec, String file) {
        Path path;
        try {
            path = Path.of(file).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw SpecSyntax.malformed(spec, "'" + file + "' is not a file path: " + e.getMessage());
        }
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw SpecSyntax.unfit(spec, "betas file " + path + " cannot be read: " + e);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw SpecSyntax.unfit(spec, "betas file " + path + " is not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode betas = root == null ? null : root.get("betas");
        if (betas == null || !betas.isObject()) {
            throw SpecSyntax.unfit(
                    spec,
                    "betas file " + path
                            + " must be a JSON object {\"betas\": {\"<decoder layer index>\": beta, ...}}");
        }
        Map<Integer, Float> byLayer = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = betas.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            int layer;
            try {
                layer = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                layer = -1;
            }
            if (layer < 0) {
                throw SpecSyntax.unfit(
                        spec, "betas file " + path + ": key '" + entry.getKey() + "' is not a decoder layer index");
            }
            JsonNode beta = entry.getValue();
            if (!beta.isNumber() || !(beta.asDouble() >= 0 && beta.asDouble() <= 1)) {
                throw SpecSyntax.unfit(
                        spec,
                        "betas file " + path + ": beta of layer " + layer + " is " + beta
                                + ", expected a number in [0, 1]");
            }
            byLayer.put(layer, (float) beta.asDouble());
        }
        return new DynamicSkipRouting(path.toString(), byLayer);
    }

    @Override
    public RoutingDecision route(
            int layer, float[] routerLogits, int tokens, MoeConfig config, RoutingContext context) {
        Float beta = betas.get(layer);
        if (beta == null) {
            throw new MoelabInputException("routing policy '" + spec() + "' has no beta for layer " + layer
                    + "; validateFor(config) reports every missing layer");
        }
        int numExperts = config.experts().numExperts();
        int k = config.routing().topK();
        boolean renormalise = FamilyRule.renormalises(config, k);
        float[] probs = Softmax.rows(routerLogits, tokens, numExperts);
        int[] chosen = new int[k];
        float[] gates = new float[k];
        DecisionBuilder decision = new DecisionBuilder(tokens, numExperts, k);
        for (int t = 0; t < tokens; t++) {
            int row = t * numExperts;
            TopK.select(probs, row, numExperts, k, chosen, 0);
            float threshold = beta * probs[row + chosen[0]];
            int kept = 1;
            for (int s = 1; s < k; s++) {
                if (!(probs[row + chosen[s]] < threshold)) {
                    chosen[kept++] = chosen[s];
                }
            }
            FamilyRule.gate(probs, row, chosen, 0, kept, renormalise, gates);
            for (int s = 0; s < kept; s++) {
                decision.add(chosen[s], gates[s]);
            }
            decision.endToken();
        }
        return decision.build(probs);
    }

    @Override
    public int expertsNeeded(MoeConfig config) {
        return config.routing().topK();
    }

    @Override
    public boolean gatesByFamilyRule() {
        return false;
    }

    /** The file must give a beta for every MoE layer and for nothing else. */
    @Override
    public void validateFor(MoeConfig config) {
        int[] moeLayers = config.layers().moeLayerIndices();
        for (int layer : moeLayers) {
            if (!betas.containsKey(layer)) {
                throw SpecSyntax.unfit(
                        spec(),
                        "betas file " + source + " has no beta for MoE layer " + layer + " (the model's MoE layers are "
                                + Arrays.toString(moeLayers) + ")");
            }
        }
        for (int layer : betas.keySet()) {
            if (layer >= config.layers().numLayers() || !config.layers().isMoeLayer(layer)) {
                throw SpecSyntax.unfit(
                        spec(),
                        "betas file " + source + " gives a beta for layer " + layer
                                + ", which is not a MoE layer (the model's MoE layers are " + Arrays.toString(moeLayers)
                                + ")");
            }
        }
    }

    @Override
    public String spec() {
        return "skip:betas=" + source;
    }
}
