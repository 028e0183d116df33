package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import io.moelab.compress.linalg.JointSvd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sub-MoE (Li et al. 2025, arXiv:2506.23266; docs/METHODS.md §2): experts clustered by K-means on
 * their outputs over the calibration tokens (each output vector scaled to unit norm, so Euclidean
 * K-means follows the cosine similarity the paper uses), then per cluster and projection one
 * joint SVD ({@link JointSvd}: shared left basis U, per-expert right factors V_i merged with
 * frequency weights). Rank 0 keeps {@code min(rows, cols)}: the merged expert has the rank budget
 * of one expert. Targets are numbered by their lowest member; the smaller-router form routes each
 * target with the router row of its most frequent member, as M-SMoE uses its leader's.
 */
public final class SubMoe implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR = new MethodDescriptor(
            "sub-moe",
            List.of(Settings.RANK),
            (values, context) -> new SubMoe(
                    context.clustering(), context.seed(), Settings.from(values).rank()));

    private final ExpertClustering clustering;
    private final long seed;
    private final int rank;

    public SubMoe(ExpertClustering clustering, long seed, int rank) {
        this.clustering = clustering;
        this.seed = seed;
        this.rank = rank;
    }

    /**
     * Sub-MoE's knob and its default; the seed and the K-means come from the {@link MethodContext}.
     *
     * @param rank rank of the joint SVD; 0 keeps {@code min(rows, cols)}
     */
    public record Settings(int rank) {
        public static final Settings DEFAULTS = new Settings(0);
        /** Declared as {@link McSmoe.Settings#RANK} is, so the two methods share one {@code --rank}. */
        public static final MethodParameter<Integer> RANK = new MethodParameter<>(
                "rank", Integer.class, DEFAULTS.rank(), "MC-SMoE / Sub-MoE rank (default: the method's own).");

        static Settings from(ParameterValues values) {
            return new Settings(values.get(RANK));
        }
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = new TreeMap<>();
        parameters.put("clustering", "k-means on unit-norm expert outputs");
        parameters.put("seed", seed);
        parameters.put("rank", rank == 0 ? "min(rows, cols)" : rank);
        return parameters;
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        int numExperts = layer.numExperts();
        double[][] features = new double[numExperts][];
        for (int e = 0; e < numExperts; e++) {
            features[e] = unitNorm(calibration.expertOutput(layer.experts().get(e)));
        }
        int k = context.targetExperts();
        int[] clusterOf = clustering.cluster(features, k, seed + layer.layer());
        double[] frequency = calibration.frequencies();
        int[] representative = new int[k];
        java.util.Arrays.fill(representative, -1);
        List<List<Integer>> members = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            members.add(new ArrayList<>());
        }
        for (int e = 0; e < numExperts; e++) {
            int c = clusterOf[e];
            members.get(c).add(e);
            if (representative[c] < 0 || frequency[e] > frequency[representative[c]]) {
                representative[c] = e;
            }
        }
        List<ExpertWeights> merged = new ArrayList<>();
        List<PlanEntry> plan = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            List<ExpertWeights> experts =
                    members.get(c).stream().map(layer.experts()::get).toList();
            double[] weights = GroupWeights.byFrequency(members.get(c), frequency);
            for (int i = 0; i < weights.length; i++) {
                plan.add(PlanEntry.unpermuted(c, members.get(c).get(i), weights[i]));
            }
            merged.add(jointMerge(experts, weights));
        }
        return new CompressedLayer(merged, layer.routerRows(representative), clusterOf, plan);
    }

    private ExpertWeights jointMerge(List<ExpertWeights> experts, double[] weights) {
        int hidden = experts.get(0).hidden();
        int intermediate = experts.get(0).intermediate();
        return new ExpertWeights(
                hidden,
                intermediate,
                merge(experts.stream().map(ExpertWeights::gate).toList(), intermediate, hidden, weights),
                merge(experts.stream().map(ExpertWeights::up).toList(), intermediate, hidden, weights),
                merge(experts.stream().map(ExpertWeights::down).toList(), hidden, intermediate, weights));
    }

    private float[] merge(List<float[]> matrices, int rows, int cols, double[] weights) {
        int r = rank == 0 ? Math.min(rows, cols) : Math.min(rank, JointSvd.fullRank(matrices.size(), rows, cols));
        return JointSvd.merge(matrices, rows, cols, weights, r).merged();
    }

    private static double[] unitNorm(float[] values) {
        double norm = 0;
        for (float v : values) {
            norm += (double) v * v;
        }
        double scale = norm == 0 ? 0 : 1 / Math.sqrt(norm);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] * scale;
        }
        return out;
    }
}
