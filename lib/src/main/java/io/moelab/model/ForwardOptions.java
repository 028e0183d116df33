package io.moelab.model;

import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingObserver;
import io.moelab.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.List;

/** How to run one forward call; build with {@link #builder()}. */
public record ForwardOptions(
        RoutingPolicy routing,
        List<RoutingObserver> observers,
        boolean stopAfterLastMoeLayer,
        boolean keepLayerOutputs,
        KvCache kvCache) {

    public static ForwardOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private RoutingPolicy routing = NativeRouting.INSTANCE;
        private final List<RoutingObserver> observers = new ArrayList<>();
        private boolean stopAfterLastMoeLayer;
        private boolean keepLayerOutputs;
        private KvCache kvCache;

        public Builder routing(RoutingPolicy policy) {
            this.routing = policy;
            return this;
        }

        public Builder observe(RoutingObserver observer) {
            observers.add(observer);
            return this;
        }

        /** Skip the layers after the last MoE layer, the final norm and the LM head: routing statistics need no logits. */
        public Builder stopAfterLastMoeLayer(boolean stop) {
            this.stopAfterLastMoeLayer = stop;
            return this;
        }

        /** Keep the residual stream after every decoder layer. */
        public Builder keepLayerOutputs(boolean keep) {
            this.keepLayerOutputs = keep;
            return this;
        }

        public Builder kvCache(KvCache cache) {
            this.kvCache = cache;
            return this;
        }

        public ForwardOptions build() {
            return new ForwardOptions(routing, List.copyOf(observers), stopAfterLastMoeLayer, keepLayerOutputs, kvCache);
        }
    }
}
