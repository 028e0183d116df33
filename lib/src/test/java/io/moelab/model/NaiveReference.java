package io.moelab.model;

import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.QkNorm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent, deliberately plain double-precision decoder forward for one sequence, written
 * from the transformers modeling files (Mixtral, Qwen2-MoE, Qwen3-MoE, OLMoE, DeepSeek-MoE v1)
 * rather than from moelab's runtime: nested loops over double[][], every expert run densely.
 * Only the config record and the tensor names are shared with the runtime.
 *
 * <p>The {@code with...} methods swap one quirk for another family's behaviour, so a test can
 * show that the quirk changes the output (and hence that matching the runtime means something).
 */
final class NaiveReference {
    private final Path dir;
    private final MoeConfig config;
    private final QkNorm qkNorm;
    private final boolean normTopkProb;
    private final boolean sharedExpertGated;
    private final double clipQkv;

    /** Logits [position][vocab] and the chosen experts [moe layer][position][slot], descending probability. */
    record Output(double[][] logits, List<int[][]> experts) {}

    private NaiveReference(
            Path dir,
            MoeConfig config,
            QkNorm qkNorm,
            boolean normTopkProb,
            boolean sharedExpertGated,
            double clipQkv) {
        this.dir = dir;
        this.config = config;
        this.qkNorm = qkNorm;
        this.normTopkProb = normTopkProb;
        this.sharedExpertGated = sharedExpertGated;
        this.clipQkv = clipQkv;
    }

    static NaiveReference of(Path dir) {
        MoeConfig c = MoeConfig.load(dir.resolve("config.json"));
        return new NaiveReference(
                dir,
                c,
                c.attention().qkNorm(),
                c.routing().normTopkProb(),
                c.experts().sharedExpertGated(),
                c.attention().clipQkv());
    }

    NaiveReference withQkNorm(QkNorm override) {
        return new NaiveReference(dir, config, override, normTopkProb, sharedExpertGated, clipQkv);
    }

    NaiveReference withNormTopkProb(boolean override) {
        return new NaiveReference(dir, config, qkNorm, override, sharedExpertGated, clipQkv);
    }

    /** Gates the shared expert with sigmoid(shared_expert_gate · x), reading that tensor from the checkpoint. */
    NaiveReference withSharedExpertGated(boolean override) {
        return new NaiveReference(dir, config, qkNorm, normTopkProb, override, clipQkv);
    }

    NaiveReference withClipQkv(double override) {
        return new NaiveReference(dir, config, qkNorm, normTopkProb, sharedExpertGated, override);
    }

    Output forward(int[] ids) {
        if (config.attention().slidingWindow() > 0
                && ids.length > config.attention().slidingWindow()) {
            throw new IllegalArgumentException("the reference has no sliding window; keep inputs within "
                    + config.attention().slidingWindow() + " tokens");
        }
        try (Checkpoint weights = Checkpoint.open(dir)) {
            int hidden = config.hiddenSize();
            double[][] embedding = matrix(weights, "model.embed_tokens.weight", config.vocabSize(), hidden);
            double[][] x = new double[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                x[t] = embedding[ids[t]].clone();
            }
            List<int[][]> experts = new ArrayList<>();
            for (int l = 0; l < config.layers().numLayers(); l++) {
                String p = ModelFamily.layerPrefix(l);
                double[][] normed = rmsNormRows(x, vector(weights, p + "input_layernorm.weight", hidden));
                addInPlace(x, attention(weights, p + "self_attn.", normed));
                normed = rmsNormRows(x, vector(weights, p + "post_attention_layernorm.weight", hidden));
                if (config.layers().isMoeLayer(l)) {
                    int[][] chosen = new int[ids.length][];
                    addInPlace(x, moe(weights, l, normed, chosen));
                    experts.add(chosen);
                } else {
                    addInPlace(
                            x,
                            swiGlu(
                                    weights,
                                    ModelFamily.denseMlpWeights(l),
                                    config.layers().denseIntermediate(),
                                    normed));
                }
            }
            double[][] finalNormed = rmsNormRows(x, vector(weights, "model.norm.weight", hidden));
            String head = config.tieWordEmbeddings() && !weights.has("lm_head.weight")
                    ? "model.embed_tokens.weight"
                    : "lm_head.weight";
            return new Output(linear(finalNormed, matrix(weights, head, config.vocabSize(), hidden)), experts);
        }
    }

    private double[][] attention(Checkpoint weights, String p, double[][] x) {
        int n = x.length;
        int heads = config.attention().numHeads();
        int kvHeads = config.attention().numKvHeads();
        int d = config.attention().headDim();
        int hidden = config.hiddenSize();
        double[][] q = linear(x, matrix(weights, p + "q_proj.weight", heads * d, hidden));
        double[][] k = linear(x, matrix(weights, p + "k_proj.weight", kvHeads * d, hidden));
        double[][] v = linear(x, matrix(weights, p + "v_proj.weight", kvHeads * d, hidden));
        if (config.attention().attentionBias()) {
            addBias(q, vector(weights, p + "q_proj.bias", heads * d));
            addBias(k, vector(weights, p + "k_proj.bias", kvHeads * d));
            addBias(v, vector(weights, p + "v_proj.bias", kvHeads * d));
        }
        if (qkNorm != QkNorm.NONE) {
            // Each family's weight has the shape its own grouping needs; read it as stored.
            double[] qWeight = vector(weights, p + "q_norm.weight");
            double[] kWeight = vector(weights, p + "k_norm.weight");
            for (int t = 0; t < n; t++) {
                q[t] = qkNormed(q[t], qWeight);
                k[t] = qkNormed(k[t], kWeight);
            }
        }
        if (clipQkv > 0) { // OLMoE clamps after the q/k norm
            for (double[][] m : new double[][][] {q, k, v}) {
                for (double[] row : m) {
                    for (int i = 0; i < row.length; i++) {
                        row[i] = Math.max(-clipQkv, Math.min(clipQkv, row[i]));
                    }
                }
            }
        }
        for (int t = 0; t < n; t++) {
            rope(q[t], heads, t);
            rope(k[t], kvHeads, t);
        }
        double[][] context = new double[n][heads * d];
        int groupSize = heads / kvHeads;
        for (int h = 0; h < heads; h++) {
            int kvHead = h / groupSize; // GQA: query heads share a KV head in consecutive groups
            for (int i = 0; i < n; i++) {
                double[] scores = new double[i + 1]; // causal: keys 0..i
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j <= i; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += q[i][h * d + c] * k[j][kvHead * d + c];
                    }
                    scores[j] = dot / Math.sqrt(d);
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j <= i; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j <= i; j++) {
                    for (int c = 0; c < d; c++) {
                        context[i][h * d + c] += scores[j] / sum * v[j][kvHead * d + c];
                    }
                }
            }
        }
        double[][] out = linear(context, matrix(weights, p + "o_proj.weight", hidden, heads * d));
        if (config.attention().outputBias()) {
            addBias(out, vector(weights, p + "o_proj.bias", hidden));
        }
        return out;
    }

    /**
     * OLMoE normalises the whole projection output; Qwen3-MoE each head's slice. The weight is
     * indexed modulo its length, so an override can apply one family's grouping to the other's weight.
     */
    private double[] qkNormed(double[] row, double[] weight) {
        int group = qkNorm == QkNorm.PER_HEAD ? config.attention().headDim() : row.length;
        double[] out = new double[row.length];
        for (int start = 0; start < row.length; start += group) {
            double sumSquares = 0;
            for (int i = start; i < start + group; i++) {
                sumSquares += row[i] * row[i];
            }
            double inverse = 1 / Math.sqrt(sumSquares / group + config.rmsNormEps());
            for (int i = start; i < start + group; i++) {
                out[i] = weight[i % weight.length] * row[i] * inverse;
            }
        }
        return out;
    }

    /** Rotate-half RoPE: dimension i pairs with i + d/2, angle position · theta^(-2i/d). */
    private void rope(double[] row, int heads, int position) {
        int d = config.attention().headDim();
        int half = d / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double angle = position * Math.pow(config.attention().ropeTheta(), -2.0 * i / d);
                double x1 = row[h * d + i];
                double x2 = row[h * d + i + half];
                row[h * d + i] = x1 * Math.cos(angle) - x2 * Math.sin(angle);
                row[h * d + i + half] = x2 * Math.cos(angle) + x1 * Math.sin(angle);
            }
        }
    }

    private double[][] moe(Checkpoint weights, int l, double[][] x, int[][] chosenOut) {
        ModelFamily family = config.family();
        int hidden = config.hiddenSize();
        int numExperts = config.experts().numExperts();
        double[][] routerLogits = linear(x, matrix(weights, family.routerWeight(l), numExperts, hidden));
        double[][][] expertOutputs = new double[numExperts][][];
        for (int e = 0; e < numExperts; e++) {
            expertOutputs[e] =
                    swiGlu(weights, family.expertWeights(l, e), config.experts().expertIntermediate(), x);
        }
        double[][] out = new double[x.length][hidden];
        for (int t = 0; t < x.length; t++) {
            double[] probs = softmax(routerLogits[t]);
            int[] chosen = topK(probs, config.routing().topK());
            double chosenSum = 0;
            for (int e : chosen) {
                chosenSum += probs[e];
            }
            // DeepSeek-MoE v1's MoEGate renormalises only when top_k > 1; the other families always do when asked.
            boolean renormalise = normTopkProb
                    && !(family == ModelFamily.DEEPSEEK && config.routing().topK() == 1);
            for (int e : chosen) {
                double gate = renormalise ? probs[e] / chosenSum : probs[e];
                for (int i = 0; i < hidden; i++) {
                    out[t][i] += gate * expertOutputs[e][t][i];
                }
            }
            chosenOut[t] = chosen;
        }
        if (config.experts().sharedIntermediate() > 0) {
            double[][] shared = swiGlu(
                    weights, family.sharedExpertWeights(l), config.experts().sharedIntermediate(), x);
            double[] gateWeight =
                    sharedExpertGated ? vector(weights, family.sharedExpertGateWeight(l), 1, hidden) : null;
            for (int t = 0; t < x.length; t++) {
                double gate = gateWeight == null ? 1 : 1 / (1 + Math.exp(-dot(gateWeight, x[t])));
                for (int i = 0; i < hidden; i++) {
                    out[t][i] += gate * shared[t][i];
                }
            }
        }
        return out;
    }

    /** SwiGLU: down(silu(gate · x) ⊙ up · x). */
    private double[][] swiGlu(Checkpoint weights, String[] names, int intermediate, double[][] x) {
        int hidden = config.hiddenSize();
        double[][] gate = linear(x, matrix(weights, names[0], intermediate, hidden));
        double[][] up = linear(x, matrix(weights, names[1], intermediate, hidden));
        for (int t = 0; t < x.length; t++) {
            for (int i = 0; i < intermediate; i++) {
                double g = gate[t][i];
                gate[t][i] = g / (1 + Math.exp(-g)) * up[t][i];
            }
        }
        return linear(gate, matrix(weights, names[2], hidden, intermediate));
    }

    private double[][] rmsNormRows(double[][] x, double[] weight) {
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double sumSquares = 0;
            for (double value : x[t]) {
                sumSquares += value * value;
            }
            double inverse = 1 / Math.sqrt(sumSquares / x[t].length + config.rmsNormEps());
            out[t] = new double[x[t].length];
            for (int i = 0; i < x[t].length; i++) {
                out[t][i] = weight[i] * x[t][i] * inverse;
            }
        }
        return out;
    }

    private static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** Indices of the k largest values, descending; ties to the lower index (torch.topk on distinct values). */
    private static int[] topK(double[] values, int k) {
        int[] chosen = new int[k];
        boolean[] taken = new boolean[values.length];
        for (int s = 0; s < k; s++) {
            int best = -1;
            for (int i = 0; i < values.length; i++) {
                if (!taken[i] && (best < 0 || values[i] > values[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            chosen[s] = best;
        }
        return chosen;
    }

    /** x · Wᵀ for x [n][in] and W stored as Hugging Face does, [out][in]. */
    private static double[][] linear(double[][] x, double[][] weight) {
        double[][] out = new double[x.length][weight.length];
        for (int t = 0; t < x.length; t++) {
            for (int o = 0; o < weight.length; o++) {
                out[t][o] = dot(weight[o], x[t]);
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void addInPlace(double[][] target, double[][] addend) {
        for (int t = 0; t < target.length; t++) {
            for (int i = 0; i < target[t].length; i++) {
                target[t][i] += addend[t][i];
            }
        }
    }

    private static void addBias(double[][] x, double[] bias) {
        for (double[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] += bias[i];
            }
        }
    }

    private static double[][] matrix(Checkpoint weights, String name, int rows, int cols) {
        float[] values = weights.floats(name, rows, cols);
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = values[r * cols + c];
            }
        }
        return out;
    }

    /** Largest |expected - actual| over all entries. */
    static double maxAbsDiff(double[][] expected, float[][] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException(expected.length + " rows vs " + actual.length);
        }
        double worst = 0;
        for (int t = 0; t < expected.length; t++) {
            for (int i = 0; i < expected[t].length; i++) {
                worst = Math.max(worst, Math.abs(expected[t][i] - actual[t][i]));
            }
        }
        return worst;
    }

    private static double[] vector(Checkpoint weights, String name, long... shape) {
        float[] values = weights.floats(name, shape);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
