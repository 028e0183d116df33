package io.moelab.compress.method;

import io.moelab.MoelabInputException;
import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.linalg.LowRankSparse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MC-SMoE (docs/METHODS.md §2): {@link MSmoe}, then every merged matrix compressed to a rank-r product
 * {@code L·R} from its truncated SVD plus a sparse residual holding the largest remaining entries
 * ({@code sparseShare} of the matrix). Hugging Face's MoE layout has no place for factors, so the
 * checkpoint stores the rebuilt dense {@code L·R + S}; the quality measured is that of the
 * compressed experts. Rank 0 picks a quarter of the matrix's smaller side.
 */
public final class McSmoe implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("mc-smoe", List.of(Settings.RANK, Settings.SPARSE_SHARE), (values, context) -> {
                Settings settings = Settings.from(values);
                return new McSmoe(settings.rank(), settings.sparseShare());
            });

    private final MSmoe merge = new MSmoe();
    private final int rank;
    private final double sparseShare;

    public McSmoe(int rank, double sparseShare) {
        if (rank < 0 || !(sparseShare >= 0 && sparseShare <= 1)) {
            throw new MoelabInputException(
                    "mc-smoe: --rank must be ≥ 0 and --sparse-share in [0, 1], got " + rank + " and " + sparseShare);
        }
        this.rank = rank;
        this.sparseShare = sparseShare;
    }

    /**
     * MC-SMoE's knobs and their defaults.
     *
     * @param rank        rank of the low-rank factors; 0 picks a quarter of the matrix's smaller side
     * @param sparseShare share of a matrix's entries kept in the sparse residual
     */
    public record Settings(int rank, double sparseShare) {
        public static final Settings DEFAULTS = new Settings(0, 0.05);
        /** Declared as {@link SubMoe.Settings#RANK} is, so the two methods share one {@code --rank}. */
        public static final MethodParameter<Integer> RANK = new MethodParameter<>(
                "rank", Integer.class, DEFAULTS.rank(), "MC-SMoE / Sub-MoE rank (default: the method's own).");

        public static final MethodParameter<Double> SPARSE_SHARE = new MethodParameter<>(
                "sparse-share",
                Double.class,
                DEFAULTS.sparseShare(),
                "MC-SMoE: share of entries in the sparse residual (default: " + DEFAULTS.sparseShare() + ").");

        static Settings from(ParameterValues values) {
            return new Settings(values.get(RANK), values.get(SPARSE_SHARE));
        }
    }

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> parameters = new TreeMap<>(merge.parameters());
        parameters.put("rank", rank == 0 ? "min(rows, cols) / 4" : rank);
        parameters.put("sparse_share", sparseShare);
        return parameters;
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        CompressedLayer merged = merge.compress(layer, calibration, context);
        List<ExpertWeights> compressed =
                merged.experts().stream().map(this::lowRankPlusSparse).toList();
        return new CompressedLayer(compressed, merged.router(), merged.expertMap(), merged.plan());
    }

    private ExpertWeights lowRankPlusSparse(ExpertWeights expert) {
        int hidden = expert.hidden();
        int intermediate = expert.intermediate();
        return new ExpertWeights(
                hidden,
                intermediate,
                compress(expert.gate(), intermediate, hidden),
                compress(expert.up(), intermediate, hidden),
                compress(expert.down(), hidden, intermediate));
    }

    private float[] compress(float[] matrix, int rows, int cols) {
        int r = rank == 0 ? Math.max(1, Math.min(rows, cols) / 4) : Math.min(rank, Math.min(rows, cols));
        int sparse = (int) Math.round(sparseShare * matrix.length);
        return LowRankSparse.compress(matrix, rows, cols, r, sparse).rebuilt();
    }
}
