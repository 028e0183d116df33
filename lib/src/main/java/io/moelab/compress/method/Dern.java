package io.moelab.compress.method;

import io.moelab.compress.CompressedLayer;
import io.moelab.compress.CompressionContext;
import io.moelab.compress.CompressionMethod;
import io.moelab.compress.ExpertWeights;
import io.moelab.compress.Gemm;
import io.moelab.compress.LayerCalibration;
import io.moelab.compress.MoeLayerWeights;
import io.moelab.compress.PlanEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * DERN (Zhou et al. 2025, "Dropping Experts, Recombining Neurons: Retraining-Free Pruning for Sparse
 * Mixture-of-Experts LLMs", EMNLP Findings; docs/METHODS.md §2): drop the E − m least important experts,
 * split each dropped expert into neuron segments (neuron j: row j of W1 and W3, column j of W2), give
 * each segment to the retained expert that holds the neuron it matches best, and merge the segments
 * into the matched neurons so every retained expert keeps its width. Retained experts keep their
 * router rows; dropped experts map to −1, so in the exact-router form their router logits become −∞
 * and their tokens go to the next-ranked experts.
 *
 * <p>The paper describes the three steps but leaves the details below to its code, which we could
 * not consult; where docs/METHODS.md leaves a choice open we chose:
 * <ul>
 *   <li><b>Importance</b>: the usage frequency {@code f_e} (share of top-k selections). The paper
 *       ranks experts by "router statistics" without naming one we could verify; frequency is the
 *       statistic docs/METHODS.md §1 gives pruning papers, and needs only selection counts, so a
 *       {@code routing_stats} run suffices. Ties go to the lower index.</li>
 *   <li><b>Matching</b>: a segment is the concatenation {@code [W1_j, W3_j, W2_{:,j}]} (3·hidden
 *       values); it goes to the retained expert and neuron with the highest cosine similarity over
 *       all retained neurons (ties to the lower expert, then neuron, index; a zero vector matches
 *       with similarity 0). Every segment is kept: there is no similarity threshold.</li>
 *   <li><b>Merge</b>: a retained neuron n of expert r that received segments s (from experts d_s)
 *       becomes {@code (f_r·n + Σ f_{d_s}·s) / (f_r + Σ f_{d_s})} for W1, W3 and W2 alike, the
 *       frequency-weighted average M-SMoE uses for whole experts; neurons that received nothing, or
 *       only segments of experts never selected (weight 0), are copied bit for bit.</li>
 * </ul>
 *
 * <p><b>Plan coefficients.</b> Target t (retained expert r) lists r itself and every dropped expert
 * that contributed with a non-zero weight. The coefficient of source s is its merge weight averaged
 * over t's neurons: {@code (1/I) Σ_n w_s(n)}, where {@code w_s(n)} is s's share of the weighted
 * average that formed neuron n (1 for r on untouched neurons, 0 where s sent nothing). So the
 * coefficients of a target sum to 1, and a dropped expert's coefficient is the fraction of the
 * target's neuron mass that came from it.
 */
public final class Dern implements CompressionMethod {
    public static final MethodDescriptor DESCRIPTOR =
            new MethodDescriptor("dern", List.of(), (values, context) -> new Dern());

    /** Similarities are computed this many at a time, so memory stays bounded at Mixtral widths. */
    private static final int SIMILARITY_BLOCK = 1 << 24;

    @Override
    public String name() {
        return DESCRIPTOR.name();
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("importance", "frequency", "matching", "cosine", "merge", "frequency-weighted-average");
    }

    @Override
    public CompressedLayer compress(MoeLayerWeights layer, LayerCalibration calibration, CompressionContext context) {
        context.requireFewerThan(layer.numExperts());
        double[] importance = calibration.frequencies();
        return recombine(layer, ExpertPruning.topByScore(importance, context.targetExperts()), importance);
    }

    /** A dropped neuron and the retained neuron it merges into. */
    private record Segment(int sourceExpert, int sourceNeuron, int targetNeuron) {}

    /** Keeps {@code kept} (any order; stored ascending) and merges every other expert's neurons into them. */
    static CompressedLayer recombine(MoeLayerWeights layer, int[] kept, double[] importance) {
        int[] retained = kept.clone();
        Arrays.sort(retained);
        int[] map = new int[layer.numExperts()];
        Arrays.fill(map, -1);
        List<float[]> retainedNeurons = new ArrayList<>();
        List<List<Segment>> segments = new ArrayList<>();
        for (int t = 0; t < retained.length; t++) {
            map[retained[t]] = t;
            retainedNeurons.add(unitNeurons(layer.experts().get(retained[t])));
            segments.add(new ArrayList<>());
        }
        for (int source = 0; source < layer.numExperts(); source++) {
            if (map[source] < 0) {
                assign(source, layer.experts().get(source), retainedNeurons, segments);
            }
        }
        List<ExpertWeights> experts = new ArrayList<>();
        List<PlanEntry> plan = new ArrayList<>();
        for (int t = 0; t < retained.length; t++) {
            experts.add(merge(layer, t, retained[t], segments.get(t), importance, plan));
        }
        return new CompressedLayer(experts, layer.routerRows(retained), map, plan);
    }

    /** Adds each neuron of {@code source} to the segments of the retained expert holding its best match. */
    private static void assign(
            int source, ExpertWeights expert, List<float[]> retainedNeurons, List<List<Segment>> segments) {
        int intermediate = expert.intermediate();
        int width = 3 * expert.hidden();
        float[] neurons = unitNeurons(expert);
        int blockRows = Math.max(1, Math.min(intermediate, SIMILARITY_BLOCK / intermediate));
        for (int start = 0; start < intermediate; start += blockRows) {
            int rows = Math.min(blockRows, intermediate - start);
            float[] block = Arrays.copyOfRange(neurons, start * width, (start + rows) * width);
            float[] bestSimilarity = new float[rows];
            Arrays.fill(bestSimilarity, Float.NEGATIVE_INFINITY);
            int[] bestTarget = new int[rows];
            int[] bestNeuron = new int[rows];
            for (int t = 0; t < retainedNeurons.size(); t++) {
                float[] similarity = Gemm.timesTransposed(block, rows, retainedNeurons.get(t), intermediate);
                for (int r = 0; r < rows; r++) {
                    for (int n = 0; n < intermediate; n++) {
                        if (similarity[r * intermediate + n] > bestSimilarity[r]) {
                            bestSimilarity[r] = similarity[r * intermediate + n];
                            bestTarget[r] = t;
                            bestNeuron[r] = n;
                        }
                    }
                }
            }
            for (int r = 0; r < rows; r++) {
                segments.get(bestTarget[r]).add(new Segment(source, start + r, bestNeuron[r]));
            }
        }
    }

    /** Retained expert {@code self} with its segments merged in; appends the target's plan rows. */
    private static ExpertWeights merge(
            MoeLayerWeights layer,
            int target,
            int self,
            List<Segment> segments,
            double[] importance,
            List<PlanEntry> plan) {
        ExpertWeights own = layer.experts().get(self);
        int hidden = own.hidden();
        int intermediate = own.intermediate();
        List<List<Segment>> byNeuron = new ArrayList<>();
        for (int n = 0; n < intermediate; n++) {
            byNeuron.add(new ArrayList<>());
        }
        segments.forEach(segment -> byNeuron.get(segment.targetNeuron()).add(segment));
        float[] gate = own.gate().clone();
        float[] up = own.up().clone();
        float[] down = own.down().clone();
        double[] share = new double[layer.numExperts()];
        for (int n = 0; n < intermediate; n++) {
            double incoming = byNeuron.get(n).stream()
                    .mapToDouble(s -> importance[s.sourceExpert()])
                    .sum();
            if (incoming == 0) {
                share[self] += 1;
                continue;
            }
            double total = importance[self] + incoming;
            share[self] += importance[self] / total;
            double[] gateRow = scaledRow(own.gate(), n, hidden, importance[self]);
            double[] upRow = scaledRow(own.up(), n, hidden, importance[self]);
            double[] downColumn = scaledColumn(own.down(), n, hidden, intermediate, importance[self]);
            for (Segment segment : byNeuron.get(n)) {
                double weight = importance[segment.sourceExpert()];
                share[segment.sourceExpert()] += weight / total;
                ExpertWeights source = layer.experts().get(segment.sourceExpert());
                int j = segment.sourceNeuron();
                for (int h = 0; h < hidden; h++) {
                    gateRow[h] += weight * source.gate()[j * hidden + h];
                    upRow[h] += weight * source.up()[j * hidden + h];
                    downColumn[h] += weight * source.down()[h * intermediate + j];
                }
            }
            for (int h = 0; h < hidden; h++) {
                gate[n * hidden + h] = (float) (gateRow[h] / total);
                up[n * hidden + h] = (float) (upRow[h] / total);
                down[h * intermediate + n] = (float) (downColumn[h] / total);
            }
        }
        plan.add(PlanEntry.unpermuted(target, self, share[self] / intermediate));
        for (int source = 0; source < share.length; source++) {
            if (source != self && share[source] > 0) {
                plan.add(PlanEntry.unpermuted(target, source, share[source] / intermediate));
            }
        }
        return new ExpertWeights(hidden, intermediate, gate, up, down);
    }

    private static double[] scaledRow(float[] matrix, int row, int cols, double scale) {
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            out[c] = scale * matrix[row * cols + c];
        }
        return out;
    }

    private static double[] scaledColumn(float[] matrix, int column, int rows, int cols, double scale) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = scale * matrix[r * cols + column];
        }
        return out;
    }

    /** [intermediate × 3·hidden]: row j is neuron j's {@code [W1_j, W3_j, W2_{:,j}]} scaled to unit length. */
    private static float[] unitNeurons(ExpertWeights expert) {
        int hidden = expert.hidden();
        int intermediate = expert.intermediate();
        int width = 3 * hidden;
        float[] neurons = new float[intermediate * width];
        for (int j = 0; j < intermediate; j++) {
            int base = j * width;
            System.arraycopy(expert.gate(), j * hidden, neurons, base, hidden);
            System.arraycopy(expert.up(), j * hidden, neurons, base + hidden, hidden);
            for (int h = 0; h < hidden; h++) {
                neurons[base + 2 * hidden + h] = expert.down()[h * intermediate + j];
            }
            double squares = 0;
            for (int i = base; i < base + width; i++) {
                squares += (double) neurons[i] * neurons[i];
            }
            if (squares > 0) {
                double norm = Math.sqrt(squares);
                for (int i = base; i < base + width; i++) {
                    neurons[i] = (float) (neurons[i] / norm);
                }
            }
        }
        return neurons;
    }
}
