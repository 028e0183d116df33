package io.moelab.model;

import io.moelab.model.checkpoint.DType;
import io.moelab.moe.ExpertMap;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads every tensor a family needs, checking its shape against the config, into ND4J arrays
 * (matrices: in their stored dtype or float32, per {@link WeightPrecision}) or float32 float[]
 * (norm weights, biases, the embedding table).
 */
final class WeightLoader {
    private final MoeConfig config;
    private final WeightSource weights;
    private final WeightPrecision precision;

    WeightLoader(MoeConfig config, WeightSource weights, WeightPrecision precision) {
        this.config = config;
        this.weights = weights;
        this.precision = precision;
    }

    MoeModel load() {
        int hidden = config.hiddenSize();
        float[] embedding = vector("model.embed_tokens.weight", config.vocabSize(), hidden);
        DecoderLayer[] layers = new DecoderLayer[config.layers().numLayers()];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = layer(l);
        }
        float[] finalNorm = vector("model.norm.weight", hidden);
        INDArray lmHead = config.tieWordEmbeddings() && !weights.has("lm_head.weight")
                ? MatrixOps.matrix(embedding, config.vocabSize(), hidden)
                : matrix("lm_head.weight", config.vocabSize(), hidden);
        return new MoeModel(config, embedding, layers, finalNorm, lmHead);
    }

    private DecoderLayer layer(int l) {
        int hidden = config.hiddenSize();
        String p = ModelFamily.layerPrefix(l);
        AttentionWeights attention = attention(p + "self_attn.");
        float[] inputNorm = vector(p + "input_layernorm.weight", hidden);
        float[] postNorm = vector(p + "post_attention_layernorm.weight", hidden);
        if (!config.layers().isMoeLayer(l)) {
            SwiGlu dense =
                    swiGlu(ModelFamily.denseMlpWeights(l), config.layers().denseIntermediate());
            return new DecoderLayer(inputNorm, postNorm, attention, dense, null, null, null, null);
        }
        ModelFamily family = config.family();
        INDArray router = matrix(family.routerWeight(l), config.experts().numExperts(), hidden);
        // In the exact-router form several router outputs share one stored expert; a dropped one stays null.
        ExpertMap map = config.experts().expertMap();
        SwiGlu[] stored = new SwiGlu[map.storedExperts(l, config.experts().numExperts())];
        for (int s = 0; s < stored.length; s++) {
            stored[s] = swiGlu(family.expertWeights(l, s), config.experts().expertIntermediate());
        }
        SwiGlu[] experts = new SwiGlu[config.experts().numExperts()];
        for (int e = 0; e < experts.length; e++) {
            int target = map.target(l, e);
            experts[e] = target < 0 ? null : stored[target];
        }
        SwiGlu shared = config.experts().sharedIntermediate() == 0
                ? null
                : swiGlu(family.sharedExpertWeights(l), config.experts().sharedIntermediate());
        INDArray sharedGate =
                config.experts().sharedExpertGated() ? matrix(family.sharedExpertGateWeight(l), 1, hidden) : null;
        return new DecoderLayer(inputNorm, postNorm, attention, null, router, experts, shared, sharedGate);
    }

    private AttentionWeights attention(String p) {
        int hidden = config.hiddenSize();
        int qWidth = config.attention().numHeads() * config.attention().headDim();
        int kvWidth = config.attention().numKvHeads() * config.attention().headDim();
        INDArray q = matrix(p + "q_proj.weight", qWidth, hidden);
        INDArray k = matrix(p + "k_proj.weight", kvWidth, hidden);
        INDArray v = matrix(p + "v_proj.weight", kvWidth, hidden);
        INDArray o = matrix(p + "o_proj.weight", hidden, qWidth);
        boolean bias = config.attention().attentionBias();
        float[] qBias = bias ? vector(p + "q_proj.bias", qWidth) : null;
        float[] kBias = bias ? vector(p + "k_proj.bias", kvWidth) : null;
        float[] vBias = bias ? vector(p + "v_proj.bias", kvWidth) : null;
        float[] oBias = config.attention().outputBias() ? vector(p + "o_proj.bias", hidden) : null;
        float[] qNorm = null;
        float[] kNorm = null;
        switch (config.attention().qkNorm()) {
            case WHOLE_PROJECTION -> {
                qNorm = vector(p + "q_norm.weight", qWidth);
                kNorm = vector(p + "k_norm.weight", kvWidth);
            }
            case PER_HEAD -> {
                qNorm = vector(p + "q_norm.weight", config.attention().headDim());
                kNorm = vector(p + "k_norm.weight", config.attention().headDim());
            }
            case NONE -> {}
        }
        return new AttentionWeights(q, k, v, o, qBias, kBias, vBias, oBias, qNorm, kNorm);
    }

    private SwiGlu swiGlu(String[] names, int intermediate) {
        int hidden = config.hiddenSize();
        return new SwiGlu(
                matrix(names[0], intermediate, hidden),
                matrix(names[1], intermediate, hidden),
                matrix(names[2], hidden, intermediate));
    }

    private INDArray matrix(String name, long rows, long cols) {
        DType stored = weights.storedDType(name); // a missing tensor fails here, named, as read() would
        if (precision == WeightPrecision.FLOAT32 || stored == DType.F32) {
            INDArray array = Nd4j.createUninitialized(
                    DataType.FLOAT, new long[] {rows, cols}, 'c'); // every element is read next
            weights.read(name, array.data().asNioFloat(), rows, cols);
            return array;
        }
        INDArray array = Nd4j.createUninitialized(
                stored == DType.BF16 ? DataType.BFLOAT16 : DataType.HALF, new long[] {rows, cols}, 'c');
        // Both sides are little-endian on every platform ND4J runs on; the bytes copy as they are.
        array.data().asNio().put(weights.storedBytes(name, rows, cols));
        return array;
    }

    private float[] vector(String name, long... shape) {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        float[] values = new float[Math.toIntExact(count)];
        weights.read(name, FloatBuffer.wrap(values), shape);
        return values;
    }
}
