package io.moelab.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps every MoE layer's router logits and decision from the forward calls it watched, in
 * layer order: what {@code moelab forward} writes out, and what tests compare with transformers.
 */
public final class RoutingRecorder implements RoutingObserver {
    private final List<LayerRouting> layers = new ArrayList<>();

    @Override
    public void onMoeLayer(LayerRouting routing) {
        layers.add(routing);
    }

    public List<LayerRouting> layers() {
        return List.copyOf(layers);
    }

    /** Router logits of one token in one recorded layer. */
    public float[] routerLogits(int recordedLayer, int token) {
        LayerRouting routing = layers.get(recordedLayer);
        int experts = routing.decision().numExperts();
        float[] out = new float[experts];
        System.arraycopy(routing.routerLogits(), token * experts, out, 0, experts);
        return out;
    }
}
