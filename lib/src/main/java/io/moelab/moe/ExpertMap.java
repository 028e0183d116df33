package io.moelab.moe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moelab.MoelabInputException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The exact-router form of a compressed checkpoint (M-SMoE keeps the router whole and points every
 * member of a group at the merged expert): per MoE layer, for each of the router's E outputs, the
 * stored expert it runs, or −1 when the expert was dropped (its router logit becomes −∞ before the
 * softmax, as NAEE prunes). Stored in {@code config.json} as {@code "moelab_expert_map":
 * {"<decoder layer>": [target of expert 0, ...]}}; the layer's tensors are {@code experts.0 ..
 * experts.(m−1)} for the m stored experts. Transformers cannot load this form; the smaller-router
 * form is the standard one.
 */
public final class ExpertMap {
    public static final String CONFIG_FIELD = "moelab_expert_map";
    private final TreeMap<Integer, int[]> targets;

    public ExpertMap(Map<Integer, int[]> targets) {
        this.targets = new TreeMap<>();
        targets.forEach((layer, map) -> this.targets.put(layer, map.clone()));
    }

    /** True when layer {@code l} has a map (otherwise expert e is stored expert e). */
    public boolean covers(int layer) {
        return targets.containsKey(layer);
    }

    /** Stored expert that router output {@code expert} runs at {@code layer}; −1 when dropped. */
    public int target(int layer, int expert) {
        int[] map = targets.get(layer);
        return map == null ? expert : map[expert];
    }

    /** How many distinct experts the layer stores. */
    public int storedExperts(int layer, int routerExperts) {
        int[] map = targets.get(layer);
        return map == null ? routerExperts : Arrays.stream(map).max().orElse(-1) + 1;
    }

    /** Value equality over the per-layer maps, so a config parsed twice is one {@link MoeConfig}. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ExpertMap that) || !targets.keySet().equals(that.targets.keySet())) {
            return false;
        }
        return targets.entrySet().stream()
                .allMatch(entry -> Arrays.equals(entry.getValue(), that.targets.get(entry.getKey())));
    }

    @Override
    public int hashCode() {
        return targets.entrySet().stream()
                .mapToInt(entry -> 31 * entry.getKey() + Arrays.hashCode(entry.getValue()))
                .sum();
    }

    @Override
    public String toString() {
        return toJson().toString();
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        targets.forEach((layer, map) -> {
            var array = node.putArray(String.valueOf(layer));
            Arrays.stream(map).forEach(array::add);
        });
        return node;
    }

    /**
     * Parses and checks the config field: a map for MoE layers only, E entries each in [−1, m),
     * every stored expert used, at least top-k experts kept.
     */
    static ExpertMap parse(JsonNode node, boolean[] moeLayers, int routerExperts, int topK, String source) {
        if (!node.isObject()) {
            throw new MoelabInputException(
                    source + ": field '" + CONFIG_FIELD + "': expected an object {\"<layer>\": [experts]}");
        }
        Map<Integer, int[]> targets = new TreeMap<>();
        var fields = node.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            String where = source + ": field '" + CONFIG_FIELD + "." + entry.getKey() + "'";
            int layer;
            try {
                layer = Integer.parseInt(entry.getKey());
            } catch (NumberFormatException e) {
                throw new MoelabInputException(where + ": key is not a layer index");
            }
            if (layer < 0 || layer >= moeLayers.length || !moeLayers[layer]) {
                throw new MoelabInputException(where + ": layer " + layer + " is not a MoE layer");
            }
            JsonNode array = entry.getValue();
            if (!array.isArray() || array.size() != routerExperts) {
                throw new MoelabInputException(
                        where + ": expected an array of " + routerExperts + " stored-expert indices");
            }
            int[] map = new int[routerExperts];
            for (int e = 0; e < routerExperts; e++) {
                if (!array.get(e).canConvertToInt() || array.get(e).asInt() < -1) {
                    throw new MoelabInputException(where + "[" + e + "]: expected an index ≥ −1, got " + array.get(e));
                }
                map[e] = array.get(e).asInt();
            }
            int stored = Arrays.stream(map).max().orElse(-1) + 1;
            boolean[] used = new boolean[stored];
            Arrays.stream(map).filter(t -> t >= 0).forEach(t -> used[t] = true);
            for (int s = 0; s < stored; s++) {
                if (!used[s]) {
                    throw new MoelabInputException(
                            where + ": stored expert " + s + " is not used by any router output");
                }
            }
            if (Arrays.stream(map).filter(t -> t >= 0).count() < topK) {
                throw new MoelabInputException(where + ": fewer router outputs kept than num_experts_per_tok " + topK);
            }
            targets.put(layer, map);
        }
        return new ExpertMap(targets);
    }
}
