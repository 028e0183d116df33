package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.routing.NativeRouting;
import io.moelab.routing.RoutingObserver;
import io.moelab.routing.RoutingPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How to run one forward call; build with {@link #builder()}. */
public record ForwardOptions(
        RoutingPolicy routing,
        List<RoutingObserver> observers,
        boolean stopAfterLastMoeLayer,
        boolean keepLayerOutputs,
        KvCache kvCache,
        int threads,
        int[] logitRows) {

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
        private int threads = 1;
        private int[] logitRows;

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

        /**
         * Spread the batch's sequences over this many threads, each running its share of the batch
         * through the whole model with single-threaded BLAS (results equal one thread's within sgemm rounding).
         * Meant for processes whose BLAS runs one thread ({@code OMP_NUM_THREADS=1}): concurrent
         * multi-threaded BLAS calls would contend for the cores.
         * A forward with observers, or over a single sequence, runs on the calling thread.
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new MoelabInputException("forward threads must be at least 1, got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * Compute logits only for these packed rows (ascending, distinct): the LM head is the
         * largest product of a forward at a 32k vocabulary, and scoring reads few rows. The result's
         * logits then hold one row per listed row, in this order ({@link ForwardResult#logitRow}).
         */
        public Builder logitRows(int... rows) {
            if (rows.length == 0) {
                throw new MoelabInputException("logit rows: name at least one row");
            }
            for (int i = 0; i < rows.length; i++) {
                if (rows[i] < 0 || (i > 0 && rows[i] <= rows[i - 1])) {
                    throw new MoelabInputException(
                            "logit rows must be ascending, distinct and non-negative: " + Arrays.toString(rows));
                }
            }
            this.logitRows = rows.clone();
            return this;
        }

        public ForwardOptions build() {
            return new ForwardOptions(
                    routing,
                    List.copyOf(observers),
                    stopAfterLastMoeLayer,
                    keepLayerOutputs,
                    kvCache,
                    threads,
                    logitRows);
        }
    }
}
