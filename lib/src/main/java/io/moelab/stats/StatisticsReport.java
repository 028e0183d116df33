package io.moelab.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Derives table rows from a {@link RoutingStatistics}, deterministically (rows ordered by layer,
 * then expert, then label): the result depends only on the accumulator's state, which is itself
 * independent of partitioning.
 *
 * @param statistics               the accumulator
 * @param deadShareOfUniform       an expert is dead when its frequency is below this × 1/E (default 0.1, i.e. a tenth of uniform load)
 * @param superExpertMultiple      flag experts whose max |output| exceeds this × the layer's median max (default 10)
 */
public record StatisticsReport(RoutingStatistics statistics, double deadShareOfUniform, double superExpertMultiple) {

    public static final double DEFAULT_DEAD_SHARE_OF_UNIFORM = 0.1;
    public static final double DEFAULT_SUPER_EXPERT_MULTIPLE = 10.0;

    public StatisticsReport {
        if (!(deadShareOfUniform >= 0) || !(superExpertMultiple > 0)) {
            throw new IllegalArgumentException("deadShareOfUniform must be >= 0 and superExpertMultiple > 0, got "
                    + deadShareOfUniform + " and " + superExpertMultiple);
        }
    }

    public static StatisticsReport of(RoutingStatistics statistics) {
        return new StatisticsReport(statistics, DEFAULT_DEAD_SHARE_OF_UNIFORM, DEFAULT_SUPER_EXPERT_MULTIPLE);
    }

    private int layers() {
        return statistics.grid().moeLayers();
    }

    private int experts() {
        return statistics.grid().numExperts();
    }

    private int decoderLayer(int moeLayer) {
        return statistics.grid().decoderLayer(moeLayer);
    }

    /** Rows of {@code routing_stats}. */
    public List<ExpertLoadRow> expertLoad() {
        List<ExpertLoadRow> out = new ArrayList<>();
        ExpertLoad load = statistics.load();
        ZeroActivations zeros = statistics.zeroActivations();
        OutputNorms norms = statistics.outputNorms();
        OutputMaxima maxima = statistics.outputMaxima();
        for (int l = 0; l < layers(); l++) {
            long total = load.selections(l);
            for (int e = 0; e < experts(); e++) {
                long tokens = load.selected(l, e);
                out.add(new ExpertLoadRow(
                        decoderLayer(l),
                        e,
                        tokens,
                        load.top1(l, e),
                        load.gateMass(l, e),
                        load.probMass(l, e),
                        total == 0 ? Double.NaN : (double) tokens / total,
                        zeros == null ? Double.NaN : zeros.share(l, e),
                        norms == null ? Double.NaN : norms.meanNorm(l, e),
                        maxima == null ? Double.NaN : maxima.maxAbsOutput(l, e),
                        maxima == null ? -1 : maxima.maxAbsDim(l, e)));
            }
        }
        return out;
    }

    /** Rows of {@code routing_layer_stats}. */
    public List<LayerSummaryRow> layerSummary() {
        List<LayerSummaryRow> out = new ArrayList<>();
        int n = experts();
        ExpertLoad load = statistics.load();
        for (int l = 0; l < layers(); l++) {
            long tokens = statistics.entropy().tokens(l);
            long total = load.selections(l);
            double[] f = new double[n];
            for (int e = 0; e < n; e++) {
                f[e] = total == 0 ? 0 : (double) load.selected(l, e) / total;
            }
            double mean = 1.0 / n;
            double variance = 0;
            double max = 0;
            int dead = 0;
            for (double fe : f) {
                variance += (fe - mean) * (fe - mean);
                max = Math.max(max, fe);
                if (fe < deadShareOfUniform / n) {
                    dead++;
                }
            }
            variance /= n;
            boolean any = total > 0;
            out.add(new LayerSummaryRow(
                    decoderLayer(l),
                    tokens,
                    tokens == 0 ? Double.NaN : statistics.entropy().entropySum(l) / tokens,
                    any ? Math.sqrt(variance) / mean : Double.NaN,
                    any ? max / mean : Double.NaN,
                    any ? dead : 0,
                    tokens == 0 ? Double.NaN : (double) total / tokens));
        }
        return out;
    }

    /** Rows of {@code coactivation}: every pair a &lt; b of every layer, zero counts included. */
    public List<CoactivationRow> coactivation() {
        List<CoactivationRow> out = new ArrayList<>();
        for (int l = 0; l < layers(); l++) {
            for (int a = 0; a < experts(); a++) {
                for (int b = a + 1; b < experts(); b++) {
                    out.add(new CoactivationRow(
                            decoderLayer(l), a, b, statistics.coactivation().count(l, a, b)));
                }
            }
        }
        return out;
    }

    /** Rows of {@code layer_affinity}: every (e, e') of every consecutive MoE layer pair, zero counts included. */
    public List<AffinityRow> affinity() {
        List<AffinityRow> out = new ArrayList<>();
        for (int l = 0; l + 1 < layers(); l++) {
            for (int e = 0; e < experts(); e++) {
                for (int f = 0; f < experts(); f++) {
                    out.add(new AffinityRow(
                            decoderLayer(l), e, f, statistics.affinity().count(l, e, f)));
                }
            }
        }
        return out;
    }

    /**
     * Rows of {@code expert_labels}, one per (layer, expert, label seen). In layer l, with
     * {@code c(e,d)} the selections of expert e by tokens labelled d and {@code N = Σ_{e,d} c(e,d)}
     * (all token-expert selections of the layer), {@code p(e,d) = c(e,d)/N},
     * {@code p(e) = Σ_d c(e,d)/N}, {@code p(d) = Σ_e c(e,d)/N} and
     * {@code nPMI(e,d) = ln(p(e,d) / (p(e) p(d))) / (−ln p(e,d))} ∈ [−1, 1]; −1 when c(e,d) = 0,
     * and 1 when p(e,d) = 1 (one expert, one label: the log ratio is 0/0 there, perfect association).
     * Empty when label counting was off.
     */
    public List<ExpertLabelRow> expertLabels() {
        List<ExpertLabelRow> out = new ArrayList<>();
        LabelCounts counts = statistics.labelCounts();
        if (counts == null) {
            return out;
        }
        List<String> labels = counts.labels();
        for (int l = 0; l < layers(); l++) {
            long n = 0;
            long[] perExpert = new long[experts()];
            long[] perLabel = new long[labels.size()];
            for (int d = 0; d < labels.size(); d++) {
                for (int e = 0; e < experts(); e++) {
                    long c = counts.count(l, e, labels.get(d));
                    perExpert[e] += c;
                    perLabel[d] += c;
                    n += c;
                }
            }
            for (int e = 0; e < experts(); e++) {
                for (int d = 0; d < labels.size(); d++) {
                    long c = counts.count(l, e, labels.get(d));
                    out.add(new ExpertLabelRow(
                            decoderLayer(l), e, labels.get(d), c, npmi(c, perExpert[e], perLabel[d], n)));
                }
            }
        }
        return out;
    }

    /** nPMI from counts: joint c, marginals ce and cd, total n (see {@link #expertLabels()}). */
    static double npmi(long c, long ce, long cd, long n) {
        if (c == 0) {
            return -1.0;
        }
        if (c == n) {
            return 1.0;
        }
        double pJoint = (double) c / n;
        double pmi = Math.log(pJoint / (((double) ce / n) * ((double) cd / n)));
        return pmi / -Math.log(pJoint);
    }

    /**
     * Experts whose max |down_proj output| is strictly above {@code superExpertMultiple} × the median
     * of the layer's per-expert maxima (experts that computed nothing are left out of the median).
     * Empty when super-expert tracking was off.
     */
    public List<SuperExpert> superExperts() {
        List<SuperExpert> out = new ArrayList<>();
        OutputMaxima maxima = statistics.outputMaxima();
        if (maxima == null) {
            return out;
        }
        for (int l = 0; l < layers(); l++) {
            double[] seenMaxima = new double[experts()];
            int k = 0;
            for (int e = 0; e < experts(); e++) {
                if (maxima.maxAbsDim(l, e) >= 0) {
                    seenMaxima[k++] = maxima.maxAbsOutput(l, e);
                }
            }
            if (k == 0) {
                continue;
            }
            double[] seen = Arrays.copyOf(seenMaxima, k);
            Arrays.sort(seen);
            double median = k % 2 == 1 ? seen[k / 2] : (seen[k / 2 - 1] + seen[k / 2]) / 2;
            for (int e = 0; e < experts(); e++) {
                double max = maxima.maxAbsOutput(l, e);
                if (maxima.maxAbsDim(l, e) >= 0 && max > superExpertMultiple * median) {
                    out.add(new SuperExpert(
                            decoderLayer(l),
                            e,
                            max,
                            maxima.maxAbsDim(l, e),
                            median,
                            median == 0 ? Double.POSITIVE_INFINITY : max / median));
                }
            }
        }
        return out;
    }
}
