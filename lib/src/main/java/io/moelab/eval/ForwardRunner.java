package io.moelab.eval;

import io.moelab.model.ForwardOptions;
import io.moelab.model.ForwardResult;
import io.moelab.model.KvCache;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingObserver;
import io.moelab.routing.RoutingPolicy;

/** Forward calls under one routing policy, counted into {@link EngineCounters}. */
final class ForwardRunner {
    private final MoeModel model;
    private final RoutingPolicy policy;
    private EngineCounters counters = EngineCounters.ZERO;

    ForwardRunner(MoeModel model, RoutingPolicy policy) {
        this.model = model;
        this.policy = policy;
    }

    MoeModel model() {
        return model;
    }

    /**
     * @param cache     the sequences' history, or null for none
     * @param logitRows the packed rows whose logits are read (ascending), or null for all
     */
    ForwardResult forward(TokenBatch batch, KvCache cache, int[] logitRows) {
        SlotCounter slots = new SlotCounter();
        ForwardOptions.Builder options =
                ForwardOptions.builder().routing(policy).observe(slots);
        if (cache != null) {
            options.kvCache(cache);
        }
        if (logitRows != null) {
            options.logitRows(logitRows);
        }
        long start = System.nanoTime();
        ForwardResult result = model.forward(batch, options.build());
        long nanos = System.nanoTime() - start;
        counters = counters.plus(new EngineCounters(batch.totalTokens(), nanos, slots.slots, slots.tokenLayers));
        return result;
    }

    EngineCounters counters() {
        return counters;
    }

    /** Counts routing slots; asks for no expert outputs, so the model computes nothing extra for it. */
    private static final class SlotCounter implements RoutingObserver {
        long slots;
        long tokenLayers;

        @Override
        public void onMoeLayer(LayerRouting routing) {
            RoutingDecision decision = routing.decision();
            for (int t = 0; t < decision.tokens(); t++) {
                slots += decision.count(t);
            }
            tokenLayers += decision.tokens();
        }
    }
}
