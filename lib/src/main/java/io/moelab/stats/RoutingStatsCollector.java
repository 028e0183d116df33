package io.moelab.stats;

import io.moelab.model.ForwardOptions;
import io.moelab.model.MoeModel;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.ExpertBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Feeds the accumulators of a {@link RoutingStatistics} (and, when sampling is on, an
 * {@link ExpertSimilarity} and {@link RoutingTrace} rows) from forward calls of one model. It asks
 * the model for expert outputs or activations only when {@link StatsOptions} need them, so default
 * collection costs only the observer call.
 *
 * <p>Per-batch context: before a forward call that needs it, call
 * {@link #beginBatch(long[], String[])} with a stable id per sequence (required when a sample rate
 * is set: the sample is {@link SampleHash}{@code (seed, id, position)}) and a label per sequence
 * (required when labels are on). The context stays until the next {@code beginBatch}. Or use
 * {@link #collect(TokenBatch, long[], String[])}, which does both and runs the forward call,
 * stopping after the last MoE layer.
 *
 * <p>Not thread-safe: one collector per task; merge the accumulators.
 */
public final class RoutingStatsCollector implements RoutingObserver {
    private final MoeModel model;
    private final StatsOptions options;
    private final int[] moeLayers;
    private final int numExperts;
    private final RoutingStatistics statistics;
    private final ExpertSimilarity similarity;
    private final List<RoutingTrace> traces = new ArrayList<>();

    private long[] sequenceIds;
    private String[] labelPerSequence;
    private RoutingDecision previous;
    private int previousMoeLayer = -1;

    public RoutingStatsCollector(MoeModel model, StatsOptions options) {
        this(
                model,
                model.config().layers().moeLayerIndices(),
                model.config().experts().numExperts(),
                options);
    }

    /**
     * A collector without a model, for routing replayed or built by hand; similarity sampling
     * (which runs experts) is then not available.
     *
     * @param moeLayers decoder-layer index of each MoE layer, ascending
     */
    public RoutingStatsCollector(int[] moeLayers, int numExperts, StatsOptions options) {
        this(null, moeLayers, numExperts, options);
    }

    private RoutingStatsCollector(MoeModel model, int[] moeLayers, int numExperts, StatsOptions options) {
        if (model == null && options.similaritySampleRate() > 0) {
            throw new IllegalArgumentException(
                    "expert-output similarity runs the experts: it needs a collector built with the model");
        }
        this.model = model;
        this.options = options;
        this.moeLayers = moeLayers.clone();
        this.numExperts = numExperts;
        this.statistics = new RoutingStatistics(moeLayers, numExperts, options);
        this.similarity = options.similaritySampleRate() > 0 ? new ExpertSimilarity(moeLayers, numExperts) : null;
    }

    /**
     * Sets the context of the next forward call(s).
     *
     * @param sequenceIds      a stable id per sequence of the batch (document id); null when no sampling is on
     * @param labelPerSequence a label per sequence; null when labels are off
     */
    public void beginBatch(long[] sequenceIds, String[] labelPerSequence) {
        this.sequenceIds = sequenceIds == null ? null : sequenceIds.clone();
        this.labelPerSequence = labelPerSequence == null ? null : labelPerSequence.clone();
    }

    /** Sets the labels of the next forward call(s); see {@link #beginBatch}. */
    public void setLabels(String[] labelPerSequence) {
        this.labelPerSequence = labelPerSequence == null ? null : labelPerSequence.clone();
    }

    /** Sets the context, runs the model up to its last MoE layer with this collector watching. */
    public void collect(TokenBatch batch, long[] sequenceIds, String[] labelPerSequence) {
        if (model == null) {
            throw new IllegalStateException("this collector was built without a model; feed it through onMoeLayer");
        }
        beginBatch(sequenceIds, labelPerSequence);
        model.forward(
                batch,
                ForwardOptions.builder()
                        .observe(this)
                        .stopAfterLastMoeLayer(true)
                        .build());
    }

    @Override
    public boolean wantsExpertOutputs() {
        return options.needsExpertOutputs();
    }

    @Override
    public boolean wantsExpertActivations() {
        return options.needsExpertActivations();
    }

    @Override
    public void onMoeLayer(LayerRouting routing) {
        int moeLayer = routing.moeLayer();
        RoutingDecision decision = routing.decision();
        TokenBatch batch = routing.batch();
        int[] sequenceOfToken = batch.sequenceOfTokens();
        if (decision.tokens() != sequenceOfToken.length) {
            throw new IllegalArgumentException("layer " + routing.layer() + ": decision has " + decision.tokens()
                    + " tokens, batch " + sequenceOfToken.length);
        }
        String[] labelOfToken = null;
        if (options.labels()) {
            if (labelPerSequence == null || labelPerSequence.length != batch.size()) {
                throw new IllegalStateException("labels are on: call beginBatch/setLabels with one label per sequence ("
                        + batch.size() + ") before the forward call; got "
                        + (labelPerSequence == null ? "none" : labelPerSequence.length));
            }
            labelOfToken = new String[sequenceOfToken.length];
            for (int t = 0; t < labelOfToken.length; t++) {
                labelOfToken[t] = labelPerSequence[sequenceOfToken[t]];
            }
        }
        statistics.entropy().add(moeLayer, decision);
        statistics.load().add(moeLayer, decision);
        statistics.coactivation().add(moeLayer, decision);
        if (options.labels()) {
            statistics.labelCounts().add(moeLayer, decision, labelOfToken);
        }
        if (moeLayer > 0
                && previousMoeLayer == moeLayer - 1
                && previous != null
                && previous.tokens() == decision.tokens()) {
            statistics.affinity().add(moeLayer - 1, previous, decision);
        }
        previous = decision;
        previousMoeLayer = moeLayer;

        for (ExpertBatch expert : routing.experts()) {
            if (options.needsExpertOutputs() && expert.output() != null) {
                addExpertOutput(moeLayer, expert.expert(), expert.output());
            }
            if (options.zeroActivation() && expert.activation() != null) {
                statistics.zeroActivations().add(moeLayer, expert.expert(), floats(expert.activation()));
            }
        }
        if (options.needsSequenceIds()) {
            sample(routing, sequenceOfToken);
        }
    }

    /** Feeds one expert's down_proj output, copied once, to whichever of super experts and output norms is on. */
    private void addExpertOutput(int moeLayer, int expert, INDArray output) {
        float[] values = floats(output);
        int rows = (int) output.rows();
        int hidden = (int) output.columns();
        if (statistics.outputMaxima() != null) {
            statistics.outputMaxima().add(moeLayer, expert, values, rows, hidden);
        }
        if (statistics.outputNorms() != null) {
            statistics.outputNorms().add(moeLayer, expert, values, rows, hidden);
        }
    }

    private void sample(LayerRouting routing, int[] sequenceOfToken) {
        if (sequenceIds == null || sequenceIds.length != routing.batch().size()) {
            throw new IllegalStateException("sampling is on: call beginBatch with one stable id per sequence ("
                    + routing.batch().size() + ") before the forward call; got "
                    + (sequenceIds == null ? "none" : sequenceIds.length));
        }
        RoutingDecision decision = routing.decision();
        int tokens = decision.tokens();
        int[] positions = routing.positions();
        List<Integer> forSimilarity = new ArrayList<>();
        for (int t = 0; t < tokens; t++) {
            long id = sequenceIds[sequenceOfToken[t]];
            if (similarity != null
                    && SampleHash.sampled(options.sampleSeed(), id, positions[t], options.similaritySampleRate())) {
                forSimilarity.add(t);
            }
            if (options.traceSampleRate() > 0
                    && SampleHash.sampled(options.sampleSeed(), id, positions[t], options.traceSampleRate())) {
                int n = decision.count(t);
                int[] experts = new int[n];
                float[] gates = new float[n];
                for (int s = 0; s < n; s++) {
                    experts[s] = decision.expert(t, s);
                    gates[s] = decision.gate(t, s);
                }
                traces.add(new RoutingTrace(id, positions[t], routing.layer(), experts, gates));
            }
        }
        if (!forSimilarity.isEmpty()) {
            int hidden = routing.input().length / tokens;
            int n = forSimilarity.size();
            float[] rows = new float[n * hidden];
            for (int i = 0; i < n; i++) {
                System.arraycopy(routing.input(), forSimilarity.get(i) * hidden, rows, i * hidden, hidden);
            }
            INDArray input = Nd4j.create(rows, new long[] {n, hidden}, 'c');
            float[][] outputs = new float[numExperts][];
            for (int e = 0; e < numExperts; e++) {
                outputs[e] = floats(model.runExpert(routing.layer(), e, input));
            }
            similarity.addSample(routing.moeLayer(), outputs, n, hidden);
        }
    }

    /** Row-major float copy of an ND4J array, whatever its order or data type. */
    static float[] floats(INDArray array) {
        INDArray dense = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        dense = dense.ordering() == 'c' && !dense.isView() ? dense : dense.dup('c');
        float[] out = new float[Math.toIntExact(dense.length())];
        dense.data().asNioFloat().get(out);
        return out;
    }

    public RoutingStatistics statistics() {
        return statistics;
    }

    /** The similarity accumulator; null unless a similarity sample rate is set. */
    public ExpertSimilarity similarity() {
        return similarity;
    }

    /** Sampled routing rows in collection order; empty unless a trace sample rate is set. */
    public List<RoutingTrace> traces() {
        return List.copyOf(traces);
    }

    public StatsOptions options() {
        return options;
    }

    int[] moeLayers() {
        return Arrays.copyOf(moeLayers, moeLayers.length);
    }
}
