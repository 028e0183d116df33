package io.moelab.stats;

/**
 * What a {@link RoutingStatsCollector} gathers beyond the always-on routing counts. Defaults
 * ({@link #defaults()}) gather only what the router decision gives, so the model builds no expert
 * outputs or activations for the collector.
 *
 * @param superExperts            track each expert's max |down_proj output| and its hidden dimension (needs expert outputs)
 * @param outputNorms             sum each expert's L2 output norm per token (needs expert outputs)
 * @param zeroActivation          count activations {@code silu(W1 x)⊙W3 x} with |a| below the threshold (needs activations)
 * @param zeroActivationThreshold the "~0" threshold of HoME's expert-collapse share
 * @param labels                  count (layer, expert, label) selections; the collector then needs a label per sequence
 * @param similaritySampleRate    share of tokens (by {@link SampleHash}) run through every expert for output similarity; 0 = off
 * @param traceSampleRate         share of tokens (by {@link SampleHash}) whose routing is kept as {@link RoutingTrace} rows; 0 = off
 * @param sampleSeed              seed of both samples
 */
public record StatsOptions(
        boolean superExperts,
        boolean outputNorms,
        boolean zeroActivation,
        double zeroActivationThreshold,
        boolean labels,
        double similaritySampleRate,
        double traceSampleRate,
        long sampleSeed)
        implements java.io.Serializable {

    /** |activation| below this counts as zero (HoME's expert-collapse measure). */
    public static final double DEFAULT_ZERO_THRESHOLD = 1e-6;

    public StatsOptions {
        if (!(zeroActivationThreshold >= 0)) {
            throw new IllegalArgumentException("zeroActivationThreshold must be >= 0, got " + zeroActivationThreshold);
        }
        if (!(similaritySampleRate >= 0 && similaritySampleRate <= 1)) {
            throw new IllegalArgumentException("similaritySampleRate must be in [0, 1], got " + similaritySampleRate);
        }
        if (!(traceSampleRate >= 0 && traceSampleRate <= 1)) {
            throw new IllegalArgumentException("traceSampleRate must be in [0, 1], got " + traceSampleRate);
        }
    }

    /** Routing counts only; the default zero threshold if later switched on. */
    public static StatsOptions defaults() {
        return new StatsOptions(false, false, false, DEFAULT_ZERO_THRESHOLD, false, 0, 0, 0);
    }

    /** Every per-expert statistic on; no sampling. */
    public static StatsOptions all() {
        return new StatsOptions(true, true, true, DEFAULT_ZERO_THRESHOLD, true, 0, 0, 0);
    }

    public StatsOptions withSuperExperts(boolean on) {
        return new StatsOptions(
                on,
                outputNorms,
                zeroActivation,
                zeroActivationThreshold,
                labels,
                similaritySampleRate,
                traceSampleRate,
                sampleSeed);
    }

    public StatsOptions withOutputNorms(boolean on) {
        return new StatsOptions(
                superExperts,
                on,
                zeroActivation,
                zeroActivationThreshold,
                labels,
                similaritySampleRate,
                traceSampleRate,
                sampleSeed);
    }

    public StatsOptions withZeroActivation(boolean on, double threshold) {
        return new StatsOptions(
                superExperts, outputNorms, on, threshold, labels, similaritySampleRate, traceSampleRate, sampleSeed);
    }

    public StatsOptions withLabels(boolean on) {
        return new StatsOptions(
                superExperts,
                outputNorms,
                zeroActivation,
                zeroActivationThreshold,
                on,
                similaritySampleRate,
                traceSampleRate,
                sampleSeed);
    }

    public StatsOptions withSimilaritySample(double rate, long seed) {
        return new StatsOptions(
                superExperts,
                outputNorms,
                zeroActivation,
                zeroActivationThreshold,
                labels,
                rate,
                traceSampleRate,
                seed);
    }

    public StatsOptions withTraceSample(double rate, long seed) {
        return new StatsOptions(
                superExperts,
                outputNorms,
                zeroActivation,
                zeroActivationThreshold,
                labels,
                similaritySampleRate,
                rate,
                seed);
    }

    /** Whether the model must build each expert's down_proj output for the collector. */
    public boolean needsExpertOutputs() {
        return superExperts || outputNorms;
    }

    public boolean needsExpertActivations() {
        return zeroActivation;
    }

    /** Whether tokens need stable sequence ids (sampling). */
    public boolean needsSequenceIds() {
        return similaritySampleRate > 0 || traceSampleRate > 0;
    }
}
