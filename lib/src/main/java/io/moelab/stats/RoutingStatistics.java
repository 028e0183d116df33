package io.moelab.stats;

import java.io.Serial;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The routing statistics (docs/METHODS.md §1) of one model over any number of forward calls: one
 * {@link StatAccumulator} per statistic, over one {@link ExpertGrid}. Always kept:
 * {@link RouterEntropy}, {@link ExpertLoad}, {@link Coactivation} and {@link LayerAffinity}; kept
 * when {@link StatsOptions} enable them (else their accessor returns null): {@link OutputMaxima}
 * (super experts), {@link OutputNorms}, {@link ZeroActivations} and {@link LabelCounts}.
 * {@link RoutingStatsCollector} feeds the parts.
 *
 * <p><b>Exactness.</b> Every part merges exactly (counts are {@code long}s, floating sums
 * {@link FixedPoint}, maxima by value then dimension), so {@link #merge} is associative and
 * commutative and the state is bit-identical for any partitioning of the same forward calls and any
 * merge order.
 *
 * <p>Layers are indexed by MoE layer ({@code 0 .. grid().moeLayers()-1});
 * {@link ExpertGrid#decoderLayer(int)} gives the decoder layer index written to the tables.
 */
public final class RoutingStatistics implements StatAccumulator<RoutingStatistics> {
    @Serial
    private static final long serialVersionUID = 2L;

    private final ExpertGrid grid;
    private final RouterEntropy entropy;
    private final ExpertLoad load;
    private final Coactivation coactivation;
    private final LayerAffinity affinity;
    private final OutputMaxima outputMaxima;
    private final OutputNorms outputNorms;
    private final ZeroActivations zeroActivations;
    private final LabelCounts labelCounts;

    /**
     * @param decoderLayers decoder-layer index of each MoE layer, ascending ({@code MoeConfig.layers().moeLayerIndices()})
     * @param numExperts    routed experts per MoE layer
     * @param options       which optional statistics to keep (sampling options are the collector's)
     */
    public RoutingStatistics(int[] decoderLayers, int numExperts, StatsOptions options) {
        this(new ExpertGrid(decoderLayers, numExperts), options);
    }

    private RoutingStatistics(ExpertGrid grid, StatsOptions options) {
        this.grid = grid;
        entropy = new RouterEntropy(grid);
        load = new ExpertLoad(grid);
        coactivation = new Coactivation(grid);
        affinity = new LayerAffinity(grid);
        outputMaxima = options.superExperts() ? new OutputMaxima(grid) : null;
        outputNorms = options.outputNorms() ? new OutputNorms(grid) : null;
        zeroActivations =
                options.zeroActivation() ? new ZeroActivations(grid, options.zeroActivationThreshold()) : null;
        labelCounts = options.labels() ? new LabelCounts(grid) : null;
    }

    /**
     * Adds {@code other} into this, part by part. Associative and commutative, exact (see the class
     * comment). Both must have the same grid and enabled statistics; nothing is added otherwise.
     *
     * @return this
     * @throws IllegalArgumentException when the grids or enabled statistics differ
     */
    @Override
    public RoutingStatistics merge(RoutingStatistics other) {
        grid.requireSame(other.grid, "routing statistics");
        if (!options().equals(other.options())) {
            throw new IllegalArgumentException("cannot merge routing statistics gathered with different options: "
                    + describeOptions() + " vs " + other.describeOptions());
        }
        entropy.merge(other.entropy);
        load.merge(other.load);
        coactivation.merge(other.coactivation);
        affinity.merge(other.affinity);
        mergeOptional(outputMaxima, other.outputMaxima, OutputMaxima::merge);
        mergeOptional(outputNorms, other.outputNorms, OutputNorms::merge);
        mergeOptional(zeroActivations, other.zeroActivations, ZeroActivations::merge);
        mergeOptional(labelCounts, other.labelCounts, LabelCounts::merge);
        return this;
    }

    /** Merges an optional part; both are null or neither, as the options matched. */
    private static <T> void mergeOptional(T mine, T theirs, BiConsumer<T, T> merge) {
        if (mine != null) {
            merge.accept(mine, theirs);
        }
    }

    private String describeOptions() {
        return "superExperts=" + (outputMaxima != null) + ", outputNorms=" + (outputNorms != null)
                + ", zeroActivation=" + (zeroActivations != null)
                + (zeroActivations != null ? " (threshold " + zeroActivations.threshold() + ")" : "")
                + ", labels=" + (labelCounts != null);
    }

    /** A deep copy. */
    public RoutingStatistics copy() {
        return new RoutingStatistics(grid, options()).merge(this);
    }

    /** The options this accumulator was built with (sampling fields zero). */
    public StatsOptions options() {
        return new StatsOptions(
                outputMaxima != null,
                outputNorms != null,
                zeroActivations != null,
                zeroActivations != null ? zeroActivations.threshold() : StatsOptions.DEFAULT_ZERO_THRESHOLD,
                labelCounts != null,
                0,
                0,
                0);
    }

    /** The MoE layers and expert count every part covers. */
    public ExpertGrid grid() {
        return grid;
    }

    /** Tokens and router entropy per MoE layer. */
    public RouterEntropy entropy() {
        return entropy;
    }

    /** Selections, top-1, gate and probability mass per MoE layer and expert. */
    public ExpertLoad load() {
        return load;
    }

    public Coactivation coactivation() {
        return coactivation;
    }

    public LayerAffinity affinity() {
        return affinity;
    }

    /** Super-expert maxima; null unless {@link StatsOptions#superExperts()}. */
    public OutputMaxima outputMaxima() {
        return outputMaxima;
    }

    /** Output-norm sums; null unless {@link StatsOptions#outputNorms()}. */
    public OutputNorms outputNorms() {
        return outputNorms;
    }

    /** Zero-activation counts; null unless {@link StatsOptions#zeroActivation()}. */
    public ZeroActivations zeroActivations() {
        return zeroActivations;
    }

    /** Counts per label; null unless {@link StatsOptions#labels()}. */
    public LabelCounts labelCounts() {
        return labelCounts;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoutingStatistics other
                && grid.equals(other.grid)
                && entropy.equals(other.entropy)
                && load.equals(other.load)
                && coactivation.equals(other.coactivation)
                && affinity.equals(other.affinity)
                && Objects.equals(outputMaxima, other.outputMaxima)
                && Objects.equals(outputNorms, other.outputNorms)
                && Objects.equals(zeroActivations, other.zeroActivations)
                && Objects.equals(labelCounts, other.labelCounts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grid, entropy, load);
    }

    @Override
    public String toString() {
        return "RoutingStatistics[" + grid + ", " + describeOptions() + "]";
    }
}
