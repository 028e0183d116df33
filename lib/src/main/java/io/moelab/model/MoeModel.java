package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.moe.MoeConfig;
import io.moelab.moe.TokenBatch;
import io.moelab.routing.ExpertBatch;
import io.moelab.routing.LayerRouting;
import io.moelab.routing.RoutingContext;
import io.moelab.routing.RoutingDecision;
import io.moelab.routing.RoutingObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A decoder-only MoE language model in float32 on ND4J, loaded from a Hugging Face checkpoint
 * directory, computing what transformers v4.40's modeling code computes for the five families.
 *
 * <p>Activations are packed rows (see {@link TokenBatch}); experts run sparsely, each on the
 * tokens routed to it only. One forward call runs on the calling thread, with BLAS threads from
 * {@code OMP_NUM_THREADS}, or split by sequence over {@link ForwardOptions.Builder#threads} threads.
 * An instance is immutable after loading and may be shared by threads.
 */
public final class MoeModel {
    /**
     * Every temporary of one decoder layer comes from this per-thread workspace, reset after each
     * layer. Fresh off-heap buffers cost ~2 ms per MB here (page faults), which was a fifth of a
     * forward pass; the workspace learns its size on the first layer and then reuses it.
     */
    private static final WorkspaceConfiguration LAYER_WORKSPACE = WorkspaceConfiguration.builder()
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .build();

    private static final String LAYER_WORKSPACE_ID = "moelab-decoder-layer";
    private final MoeConfig config;
    private final float[] embeddingRows;
    private final DecoderLayer[] layers;
    private final float[] finalNorm;
    private final INDArray lmHead;
    private final RotaryEmbedding rope;

    MoeModel(MoeConfig config, float[] embeddingRows, DecoderLayer[] layers, float[] finalNorm, INDArray lmHead) {
        this.config = config;
        this.embeddingRows = embeddingRows;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
        this.rope = new RotaryEmbedding(
                config.attention().headDim(), config.attention().ropeTheta());
    }

    /**
     * Loads {@code config.json} and the safetensors weights of a Hugging Face model directory,
     * matrices held in their stored dtype ({@link WeightPrecision#STORED}).
     */
    public static MoeModel load(Path directory) {
        return load(directory, WeightPrecision.STORED);
    }

    /** As {@link #load(Path)}, with the weight matrices held as {@code precision} says. */
    public static MoeModel load(Path directory, WeightPrecision precision) {
        MoeConfig config = MoeConfig.load(directory.resolve("config.json"));
        try (Checkpoint checkpoint = Checkpoint.open(directory)) {
            return new WeightLoader(config, WeightSource.of(checkpoint), precision).load();
        }
    }

    /**
     * A model built from float32 tensors held in memory, named and shaped as in a checkpoint (e.g. a
     * compressed model before it is written); the same checks as loading from disk apply.
     */
    public static MoeModel fromTensors(MoeConfig config, Map<String, FloatTensor> tensors) {
        return new WeightLoader(config, WeightSource.of(tensors), WeightPrecision.FLOAT32).load();
    }

    /** A model with Hugging Face's default random init, seeded (for benchmarks and experiments from scratch). */
    public static MoeModel randomlyInitialised(MoeConfig config, long seed) {
        return new WeightLoader(config, new RandomWeights(seed), WeightPrecision.FLOAT32).load();
    }

    /**
     * Bytes the loaded weights occupy: matrices in the dtype they are held in, vectors and the
     * embedding table as float32; an expert shared by several router outputs counts once.
     */
    public long weightBytes() {
        Set<Object> counted = Collections.newSetFromMap(new IdentityHashMap<>());
        long bytes = bytesOf(embeddingRows) + bytesOf(finalNorm) + bytesOf(lmHead, counted);
        for (DecoderLayer layer : layers) {
            AttentionWeights a = layer.attention();
            bytes += bytesOf(layer.inputNorm()) + bytesOf(layer.postAttentionNorm());
            bytes += bytesOf(a.q(), counted)
                    + bytesOf(a.k(), counted)
                    + bytesOf(a.v(), counted)
                    + bytesOf(a.o(), counted);
            bytes += bytesOf(a.qBias())
                    + bytesOf(a.kBias())
                    + bytesOf(a.vBias())
                    + bytesOf(a.oBias())
                    + bytesOf(a.qNorm())
                    + bytesOf(a.kNorm());
            bytes += bytesOf(layer.router(), counted) + bytesOf(layer.sharedExpertGate(), counted);
            List<SwiGlu> blocks = new ArrayList<>();
            blocks.add(layer.denseMlp());
            blocks.add(layer.sharedExpert());
            if (layer.experts() != null) {
                blocks.addAll(Arrays.asList(layer.experts()));
            }
            for (SwiGlu block : blocks) {
                if (block != null) {
                    bytes += bytesOf(block.gate(), counted)
                            + bytesOf(block.up(), counted)
                            + bytesOf(block.down(), counted);
                }
            }
        }
        return bytes;
    }

    private static long bytesOf(float[] vector) {
        return vector == null ? 0 : 4L * vector.length;
    }

    private static long bytesOf(INDArray matrix, Set<Object> counted) {
        return matrix == null || !counted.add(matrix)
                ? 0
                : matrix.length() * matrix.dataType().width();
    }

    public MoeConfig config() {
        return config;
    }

    /** Router weights of a MoE layer, row-major [experts × hidden]. */
    public float[] routerWeights(int layer) {
        return MatrixOps.toFloats(moeLayer(layer).router());
    }

    /**
     * Runs one routed expert on arbitrary rows [n × hidden] and returns its {@code down_proj}
     * output [n × hidden], e.g. to compare every expert on the same tokens.
     */
    public INDArray runExpert(int layer, int expert, INDArray rows) {
        SwiGlu weights = moeLayer(layer).experts()[expert];
        if (weights == null) {
            throw new MoelabInputException(
                    "expert " + expert + " of layer " + layer + " was dropped from this checkpoint");
        }
        return weights.apply(rows);
    }

    private DecoderLayer moeLayer(int layer) {
        if (layer < 0 || layer >= layers.length || !layers[layer].isMoe()) {
            throw new MoelabInputException("layer " + layer + " is not a MoE layer; MoE layers: "
                    + java.util.Arrays.toString(config.layers().moeLayerIndices()));
        }
        return layers[layer];
    }

    /** A dropped expert of the exact-router form (no stored expert) gets logit −∞ before any policy sees it. */
    private void maskDroppedExperts(DecoderLayer layer, float[] routerLogits) {
        SwiGlu[] experts = layer.experts();
        for (int e = 0; e < experts.length; e++) {
            if (experts[e] == null) {
                for (int i = e; i < routerLogits.length; i += experts.length) {
                    routerLogits[i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
    }

    public ForwardResult forward(TokenBatch batch) {
        return forward(batch, ForwardOptions.defaults());
    }

    public ForwardResult forward(TokenBatch batch, ForwardOptions options) {
        KvCache cache = options.kvCache() != null ? options.kvCache() : new KvCache(config, batch.size());
        if (cache.sequences() != batch.size()) {
            throw new MoelabInputException(
                    "KV cache holds " + cache.sequences() + " sequences, batch has " + batch.size());
        }
        if (options.kvCache() != null && options.stopAfterLastMoeLayer()) {
            throw new MoelabInputException(
                    "a KV cache needs every layer: do not combine it with stopAfterLastMoeLayer");
        }
        // Observers see one call per layer for the whole batch, so a forward they watch is not split.
        int[] shards = options.observers().isEmpty()
                ? SequenceShards.boundaries(batch, options.threads())
                : new int[] {0, batch.size()};
        if (shards.length > 2) {
            return forwardSharded(batch, cache, options, shards);
        }
        List<float[]> layerOutputs = new ArrayList<>();
        float[] x = decoderLayers(batch, cache, options, layerOutputs);
        INDArray logits = null;
        if (!options.stopAfterLastMoeLayer()) {
            logits = Nd4j.createUninitialized(
                    DataType.FLOAT, new long[] {logitRowCount(batch, options), config.vocabSize()}, 'c');
            head(x, 0, batch.totalTokens(), options.logitRows(), logits);
        }
        return new ForwardResult(batch, logits, List.copyOf(layerOutputs), options.logitRows());
    }

    /** How many rows of logits a forward computes; checks the asked-for rows against the batch. */
    private long logitRowCount(TokenBatch batch, ForwardOptions options) {
        int[] rows = options.logitRows();
        if (rows == null) {
            return batch.totalTokens();
        }
        if (rows.length > 0 && rows[rows.length - 1] >= batch.totalTokens()) {
            throw new MoelabInputException("logit row " + rows[rows.length - 1] + " is outside the batch's "
                    + batch.totalTokens() + " tokens");
        }
        return rows.length;
    }

    /**
     * Each group of sequences runs through the whole model on its own thread (every layer, the
     * final norm and the LM head), writing its rows of the shared logits, layer outputs and KV
     * cache. Tokens of different sequences never meet (attention stays within a sequence), so each
     * row is computed as in the unsplit batch, up to sgemm's rounding for another row count.
     */
    private ForwardResult forwardSharded(TokenBatch batch, KvCache cache, ForwardOptions options, int[] shards) {
        int hidden = config.hiddenSize();
        // Allocating the logits touches every page (~0.2 s for 2,048 × 32,000 here): done beside
        // the shards instead of before them, it does not hold every thread up.
        long logitRowCount = options.stopAfterLastMoeLayer() ? 0 : logitRowCount(batch, options);
        CompletableFuture<INDArray> logits = options.stopAfterLastMoeLayer()
                ? null
                : ForwardThreads.supply(() ->
                        Nd4j.createUninitialized(DataType.FLOAT, new long[] {logitRowCount, config.vocabSize()}, 'c'));
        List<float[]> layerOutputs = new ArrayList<>();
        for (int l = 0; options.keepLayerOutputs() && l <= lastLayerRun(options); l++) {
            layerOutputs.add(new float[batch.totalTokens() * hidden]);
        }
        List<Runnable> tasks = new ArrayList<>();
        for (int g = 0; g + 1 < shards.length; g++) {
            int from = shards[g];
            int to = shards[g + 1];
            tasks.add(() -> {
                TokenBatch part = batch.slice(from, to);
                int firstRow = batch.start(from);
                int rows = part.totalTokens();
                List<float[]> partOutputs = new ArrayList<>();
                float[] x = decoderLayers(part, cache.view(from, to), options, partOutputs);
                for (int l = 0; l < partOutputs.size(); l++) {
                    System.arraycopy(partOutputs.get(l), 0, layerOutputs.get(l), firstRow * hidden, rows * hidden);
                }
                if (logits != null) {
                    head(x, firstRow, rows, options.logitRows(), logits.join());
                }
            });
        }
        ForwardThreads.runAll(tasks);
        return new ForwardResult(
                batch, logits == null ? null : logits.join(), List.copyOf(layerOutputs), options.logitRows());
    }

    /** Runs the decoder layers over a batch and returns the residual stream after the last one run. */
    private float[] decoderLayers(TokenBatch batch, KvCache cache, ForwardOptions options, List<float[]> layerOutputs) {
        int tokens = batch.totalTokens();
        int hidden = config.hiddenSize();
        RoutingContext context = RoutingContext.continuing(batch, cache.lengths(), cache.prefixKeys());
        int[] positions = context.positions();
        float[] x = embed(batch);
        int lastLayer = lastLayerRun(options);
        Map<Long, INDArray> masks = new HashMap<>();
        int moeLayer = 0;
        for (int l = 0; l <= lastLayer; l++) {
            DecoderLayer layer = layers[l];
            try (MemoryWorkspace ignored =
                    Nd4j.getWorkspaceManager().getAndActivateWorkspace(LAYER_WORKSPACE, LAYER_WORKSPACE_ID)) {
                float[] normed = MatrixOps.rmsNorm(x, tokens, hidden, layer.inputNorm(), (float) config.rmsNormEps());
                float[] attention = attention(l, layer, normed, batch, positions, cache, masks);
                float[] projected =
                        MatrixOps.linear(attention, tokens, layer.attention().o());
                if (layer.attention().oBias() != null) {
                    MatrixOps.addRowBias(projected, tokens, layer.attention().oBias());
                }
                MatrixOps.addInPlace(x, projected);
                normed = MatrixOps.rmsNorm(x, tokens, hidden, layer.postAttentionNorm(), (float) config.rmsNormEps());
                float[] mlp = layer.isMoe()
                        ? moe(l, moeLayer++, layer, normed, batch, context, positions, options)
                        : MatrixOps.toFloats(layer.denseMlp().apply(MatrixOps.matrix(normed, tokens, hidden)));
                MatrixOps.addInPlace(x, mlp);
            }
            if (options.keepLayerOutputs()) {
                layerOutputs.add(x.clone());
            }
        }
        cache.advance(batch, context);
        return x;
    }

    private int lastLayerRun(ForwardOptions options) {
        return options.stopAfterLastMoeLayer()
                ? config.layers().lastMoeLayer()
                : config.layers().numLayers() - 1;
    }

    /**
     * Final norm and LM head over the residual stream {@code x}, which holds packed rows
     * {@code firstRow..firstRow+tokens-1}, into their rows of {@code logits}: all of them, or those
     * listed in {@code logitRows} (null for all), whose logits are rows of {@code logits} in list order.
     */
    private void head(float[] x, int firstRow, int tokens, int[] logitRows, INDArray logits) {
        int hidden = config.hiddenSize();
        float[] rows = x;
        int from = firstRow;
        int count = tokens;
        if (logitRows != null) {
            from = lowerBound(logitRows, firstRow);
            count = lowerBound(logitRows, firstRow + tokens) - from;
            if (count == 0) {
                return;
            }
            int[] local = new int[count];
            for (int i = 0; i < count; i++) {
                local[i] = logitRows[from + i] - firstRow;
            }
            rows = gatherRows(x, hidden, local);
        }
        MatrixOps.rmsNormInPlace(rows, count, hidden, finalNorm, (float) config.rmsNormEps());
        INDArray out = from == 0 && count == logits.size(0)
                ? logits
                : logits.get(NDArrayIndex.interval(from, from + count), NDArrayIndex.all());
        MatrixOps.timesTransposedInto(MatrixOps.matrix(rows, count, hidden), lmHead, out);
    }

    /** The index of the first element of ascending {@code values} that is at least {@code key}. */
    private static int lowerBound(int[] values, int key) {
        int found = java.util.Arrays.binarySearch(values, key);
        return found >= 0 ? found : -found - 1;
    }

    private float[] embed(TokenBatch batch) {
        int hidden = config.hiddenSize();
        float[] x = new float[batch.totalTokens() * hidden];
        for (int t = 0; t < batch.totalTokens(); t++) {
            int id = batch.token(t);
            if (id < 0 || id >= config.vocabSize()) {
                throw new MoelabInputException("token id " + id + " at batch position " + t
                        + " is outside the vocabulary [0, " + config.vocabSize() + ")");
            }
            System.arraycopy(embeddingRows, id * hidden, x, t * hidden, hidden);
        }
        return x;
    }

    private float[] attention(
            int l,
            DecoderLayer layer,
            float[] normed,
            TokenBatch batch,
            int[] positions,
            KvCache cache,
            Map<Long, INDArray> masks) {
        AttentionWeights w = layer.attention();
        int tokens = batch.totalTokens();
        int heads = config.attention().numHeads();
        int kvHeads = config.attention().numKvHeads();
        int headDim = config.attention().headDim();
        float eps = (float) config.rmsNormEps();
        INDArray input = MatrixOps.matrix(normed, tokens, config.hiddenSize());
        float[] q = MatrixOps.toFloats(MatrixOps.timesTransposed(input, w.q()));
        float[] k = MatrixOps.toFloats(MatrixOps.timesTransposed(input, w.k()));
        float[] v = MatrixOps.toFloats(MatrixOps.timesTransposed(input, w.v()));
        if (w.qBias() != null) {
            MatrixOps.addRowBias(q, tokens, w.qBias());
            MatrixOps.addRowBias(k, tokens, w.kBias());
            MatrixOps.addRowBias(v, tokens, w.vBias());
        }
        switch (config.attention().qkNorm()) {
            case WHOLE_PROJECTION -> {
                MatrixOps.rmsNormInPlace(q, tokens, heads * headDim, w.qNorm(), eps);
                MatrixOps.rmsNormInPlace(k, tokens, kvHeads * headDim, w.kNorm(), eps);
            }
            case PER_HEAD -> {
                MatrixOps.rmsNormInPlace(q, tokens * heads, headDim, w.qNorm(), eps);
                MatrixOps.rmsNormInPlace(k, tokens * kvHeads, headDim, w.kNorm(), eps);
            }
            case NONE -> {}
        }
        if (config.attention().clipQkv() > 0) {
            clamp(q, (float) config.attention().clipQkv());
            clamp(k, (float) config.attention().clipQkv());
            clamp(v, (float) config.attention().clipQkv());
        }
        for (int t = 0; t < tokens; t++) {
            rope.apply(q, t * heads * headDim, heads, headDim, positions[t]);
            rope.apply(k, t * kvHeads * headDim, kvHeads, headDim, positions[t]);
        }
        float[] out = new float[tokens * heads * headDim];
        double scale = Math.sqrt(headDim);
        for (int s = 0; s < batch.size(); s++) {
            int start = batch.start(s);
            int n = batch.length(s);
            int past = cache.length(s);
            cache.append(l, s, k, v, start, n);
            int total = past + n;
            INDArray mask = masks.computeIfAbsent(((long) n << 32) | past, key -> causalMask(n, past));
            // All heads of a sequence in one batched product each: [heads × n × headDim] queries
            // against [heads × total × headDim] keys, KV heads repeated for grouped-query attention.
            INDArray query = headMajor(q, start, n, heads, heads, headDim);
            INDArray keys = headMajor(cache.keys(l, s), 0, total, kvHeads, heads, headDim);
            INDArray values = headMajor(cache.values(l, s), 0, total, kvHeads, heads, headDim);
            INDArray scores = Nd4j.createUninitialized(DataType.FLOAT, new long[] {heads, n, total}, 'c');
            Nd4j.matmul(query, keys, scores, false, true, false);
            scores.divi(scale);
            Nd4j.exec(new BroadcastAddOp(scores, mask, scores, 1, 2));
            Nd4j.exec(new SoftMax(scores, scores, 2));
            INDArray context = Nd4j.createUninitialized(DataType.FLOAT, new long[] {heads, n, headDim}, 'c');
            Nd4j.matmul(scores, values, context, false, false, false);
            float[] c = MatrixOps.toFloats(context);
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(c, (h * n + i) * headDim, out, ((start + i) * heads + h) * headDim, headDim);
                }
            }
        }
        return out;
    }

    /**
     * Rows {@code from..from+count} of a token-major [token][storedHeads·headDim] array as a
     * head-major [heads × count × headDim] array; head h reads stored head h·storedHeads/heads.
     */
    private static INDArray headMajor(float[] x, int from, int count, int storedHeads, int heads, int headDim) {
        float[] out = new float[heads * count * headDim];
        int groupSize = heads / storedHeads;
        for (int h = 0; h < heads; h++) {
            int stored = h / groupSize;
            for (int i = 0; i < count; i++) {
                System.arraycopy(
                        x, ((from + i) * storedHeads + stored) * headDim, out, (h * count + i) * headDim, headDim);
            }
        }
        INDArray array = Nd4j.createUninitialized(DataType.FLOAT, new long[] {heads, count, headDim}, 'c');
        array.data().asNioFloat().put(out);
        return array;
    }

    /** Additive mask [n × past+n]: query i (position past+i) sees keys up to its position, within the sliding window. */
    private INDArray causalMask(int n, int past) {
        // Reused by every layer, so it must outlive each layer's workspace.
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            return buildCausalMask(n, past);
        }
    }

    private INDArray buildCausalMask(int n, int past) {
        int total = past + n;
        int window = config.attention().slidingWindow();
        float[] mask = new float[n * total];
        for (int i = 0; i < n; i++) {
            int position = past + i;
            for (int j = 0; j < total; j++) {
                boolean visible = j <= position && (window <= 0 || position - j < window);
                mask[i * total + j] = visible ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        return MatrixOps.matrix(mask, n, total);
    }

    private static void clamp(float[] x, float limit) {
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(-limit, Math.min(limit, x[i]));
        }
    }

    private float[] moe(
            int l,
            int moeLayer,
            DecoderLayer layer,
            float[] normed,
            TokenBatch batch,
            RoutingContext context,
            int[] positions,
            ForwardOptions options) {
        int tokens = batch.totalTokens();
        int hidden = config.hiddenSize();
        INDArray input = MatrixOps.matrix(normed, tokens, hidden);
        float[] routerLogits = MatrixOps.toFloats(MatrixOps.timesTransposed(input, layer.router()));
        maskDroppedExperts(layer, routerLogits);
        RoutingDecision decision = options.routing().route(l, routerLogits, tokens, config, context);
        boolean wantOutputs = options.observers().stream().anyMatch(RoutingObserver::wantsExpertOutputs);
        boolean wantActivations = options.observers().stream().anyMatch(RoutingObserver::wantsExpertActivations);
        List<ExpertBatch> observed = new ArrayList<>();
        float[] out = new float[tokens * hidden];
        ExpertAssignments assignments =
                ExpertAssignments.of(decision, config.experts().numExperts());
        // Experts in ascending index order, each adding gate × output into its tokens' rows: the same
        // summation order as transformers' index_add_ loop, so sums agree to the last bit.
        for (int e = 0; e < config.experts().numExperts(); e++) {
            int[] expertTokens = assignments.tokens(e);
            if (expertTokens.length == 0) {
                continue;
            }
            INDArray expertInput =
                    MatrixOps.matrix(gatherRows(normed, hidden, expertTokens), expertTokens.length, hidden);
            SwiGlu expert = layer.experts()[e];
            if (expert == null) {
                throw new MoelabInputException("the routing policy sent tokens to expert " + e + " of layer " + l
                        + ", which this compressed checkpoint dropped");
            }
            INDArray activation = expert.activation(expertInput);
            INDArray output = expert.project(activation);
            float[] y = MatrixOps.toFloats(output);
            float[] gates = assignments.gates(e);
            for (int i = 0; i < expertTokens.length; i++) {
                int row = expertTokens[i] * hidden;
                float gate = gates[i];
                for (int j = 0; j < hidden; j++) {
                    out[row + j] += y[i * hidden + j] * gate;
                }
            }
            if (wantOutputs || wantActivations) {
                // Observers may keep these past the layer, so they leave the layer's workspace.
                observed.add(new ExpertBatch(
                        e,
                        expertTokens,
                        wantOutputs ? output.detach() : null,
                        wantActivations ? activation.detach() : null));
            }
        }
        if (layer.sharedExpert() != null) {
            float[] shared = MatrixOps.toFloats(layer.sharedExpert().apply(input));
            float[] scale = layer.sharedExpertGate() == null
                    ? null
                    : MatrixOps.toFloats(MatrixOps.timesTransposed(input, layer.sharedExpertGate()));
            for (int t = 0; t < tokens; t++) {
                float gate = scale == null ? 1f : (float) (1.0 / (1.0 + Math.exp(-scale[t])));
                for (int j = 0; j < hidden; j++) {
                    out[t * hidden + j] += scale == null ? shared[t * hidden + j] : gate * shared[t * hidden + j];
                }
            }
        }
        if (!options.observers().isEmpty()) {
            LayerRouting routing = new LayerRouting(
                    l, moeLayer, batch, positions, normed, routerLogits, decision, List.copyOf(observed));
            for (RoutingObserver observer : options.observers()) {
                observer.onMoeLayer(routing);
            }
        }
        return out;
    }

    private static float[] gatherRows(float[] x, int width, int[] rows) {
        float[] out = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * width, out, i * width, width);
        }
        return out;
    }
}
