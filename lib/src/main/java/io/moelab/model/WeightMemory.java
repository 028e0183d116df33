package io.moelab.model;

import io.moelab.MoelabInputException;
import io.moelab.model.checkpoint.Checkpoint;
import io.moelab.model.checkpoint.DType;
import io.moelab.model.checkpoint.TensorInfo;
import io.moelab.moe.ModelFamily;
import io.moelab.moe.MoeConfig;
import java.util.Collection;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bytes a checkpoint's weights take in memory under each residency choice, from its safetensors headers: every
 * tensor's real stored size (so a mixed-dtype checkpoint counts right) and its size widened to float32.
 *
 * <p>Tensors named {@code model.layers.N.*} belong to decoder layer N; every other tensor (embeddings, final norm, LM
 * head) is counted once in {@link #embeddingsAndHead}. Weights held in their stored dtype are widened to float32 one
 * matrix at a time for its matmul, so the stored-dtype modes add one float32 buffer the size of the largest matrix
 * that is not already float32 (the LM head is one: it runs after the last layer in every mode).
 *
 * @param largestLayer      the decoder layer with the most stored bytes
 * @param largestMoeLayer   the MoE layer with the most stored bytes; null unless the model has dense layers too
 * @param largestDenseLayer the dense layer with the most stored bytes; null unless the model has MoE layers too
 * @param embeddingsAndHead embeddings, final norm and LM head (and any other tensor outside the decoder layers)
 * @param tiedLmHead        the LM head is the embedding matrix (tied, no {@code lm_head.weight} stored)
 * @param wideningBuffer    the float32 buffer a matmul widens its stored-dtype weight into
 * @param storedTotal       every tensor in its stored dtype: the sum of the safetensors data sizes
 * @param float32Held       every weight widened to float32, as {@link MoeModel#load} holds them
 * @param resident          RESIDENT, as {@link WeightPrecision#STORED} holds a model: every matrix but the embedding
 *     table in its stored dtype, the embedding, norms and biases (and a tied head's copy) in float32, plus the
 *     widening buffer; equals {@link MoeModel#weightBytes()} plus that buffer
 * @param streamed          STREAMED: the largest layer held as in RESIDENT, the widening buffer, embeddings and head
 *                          (the hidden states carried between layers are activations, not counted here)
 */
public record WeightMemory(
        LayerBytes largestLayer,
        LayerBytes largestMoeLayer,
        LayerBytes largestDenseLayer,
        Bytes embeddingsAndHead,
        boolean tiedLmHead,
        WideningBuffer wideningBuffer,
        long storedTotal,
        long float32Held,
        long resident,
        long streamed) {

    private static final Pattern LAYER_TENSOR = Pattern.compile("model\\.layers\\.(\\d+)\\..*");
    private static final String EMBEDDINGS = "model.embed_tokens.weight";
    private static final String LM_HEAD = "lm_head.weight";

    /** Bytes in the stored dtype and widened to float32. */
    public record Bytes(long stored, long float32) {}

    /** One decoder layer's weights: its index, whether it is a MoE layer, its bytes stored and as float32. */
    public record LayerBytes(int layer, boolean moe, long stored, long float32) {}

    /** The float32 copy of {@code tensor}, the largest matrix not stored as float32; null tensor and 0 bytes if none. */
    public record WideningBuffer(String tensor, long bytes) {}

    /** The weight memory of a checkpoint whose config is {@code config}, from its headers only (no data read). */
    public static WeightMemory of(MoeConfig config, Checkpoint checkpoint) {
        return of(
                config, checkpoint.tensorNames().stream().map(checkpoint::info).toList());
    }

    /**
     * The weight memory of {@code tensors}, the header entries of every tensor of a checkpoint, under
     * {@code config}'s layer plan and LM-head tying.
     *
     * @throws MoelabInputException when the config has no decoder layer
     */
    public static WeightMemory of(MoeConfig config, Collection<TensorInfo> tensors) {
        int layerCount = config.layers().numLayers();
        if (layerCount < 1) {
            throw new MoelabInputException("config has " + layerCount + " decoder layers: nothing to size");
        }
        long[] layerStored = new long[layerCount];
        long[] layerFloat32 = new long[layerCount];
        long[] layerHeld = new long[layerCount];
        long outsideStored = 0;
        long outsideFloat32 = 0;
        long outsideHeld = 0;
        boolean hasLmHead = false;
        for (TensorInfo tensor : tensors) {
            long float32 = Math.multiplyExact(tensor.numel(), DType.F32.byteSize());
            long held = heldInStoredDType(tensor) ? tensor.byteLength() : float32;
            int layer = layerOf(tensor.name(), layerCount);
            if (layer >= 0) {
                layerStored[layer] += tensor.byteLength();
                layerFloat32[layer] += float32;
                layerHeld[layer] += held;
            } else {
                outsideStored += tensor.byteLength();
                outsideFloat32 += float32;
                outsideHeld += held;
            }
            hasLmHead |= tensor.name().equals(LM_HEAD);
        }
        // As WeightLoader decides: tied only when no head is stored, and then the float32 load copies the embedding
        // matrix into the head's ND4J matrix.
        boolean tied = config.tieWordEmbeddings() && !hasLmHead;
        if (tied) {
            long headCopy = (long) config.vocabSize() * config.hiddenSize() * DType.F32.byteSize();
            outsideFloat32 += headCopy;
            outsideHeld += headCopy;
        }
        LayerBytes[] layers = new LayerBytes[layerCount];
        for (int l = 0; l < layerCount; l++) {
            layers[l] = new LayerBytes(l, config.layers().isMoeLayer(l), layerStored[l], layerFloat32[l]);
        }
        LayerBytes largest = largest(layers, layer -> true);
        LayerBytes largestMoe = largest(layers, LayerBytes::moe);
        LayerBytes largestDense = largest(layers, layer -> !layer.moe());
        boolean mixed = largestMoe != null && largestDense != null;
        WideningBuffer widening = wideningBuffer(tensors, layerCount);
        long storedTotal = outsideStored;
        long float32Held = outsideFloat32;
        long heldTotal = outsideHeld;
        long largestHeld = 0;
        for (LayerBytes layer : layers) {
            storedTotal += layer.stored();
            float32Held += layer.float32();
            heldTotal += layerHeld[layer.layer()];
            largestHeld = Math.max(largestHeld, layerHeld[layer.layer()]);
        }
        long streamed = largestHeld + widening.bytes() + outsideHeld;
        return new WeightMemory(
                largest,
                mixed ? largestMoe : null,
                mixed ? largestDense : null,
                new Bytes(outsideStored, outsideFloat32),
                tied,
                widening,
                storedTotal,
                float32Held,
                heldTotal + widening.bytes(),
                streamed);
    }

    /** The decoder layer a tensor belongs to, or -1 for a tensor outside the config's layers. */
    private static int layerOf(String name, int layerCount) {
        Matcher matcher = LAYER_TENSOR.matcher(name);
        if (!matcher.matches()) {
            return -1;
        }
        String index = matcher.group(1);
        // A prefix too long for an int cannot name one of the config's layers.
        if (index.length() > 9) {
            return -1;
        }
        int layer = Integer.parseInt(index);
        return layer < layerCount && name.startsWith(ModelFamily.layerPrefix(layer)) ? layer : -1;
    }

    /** The layer of {@code kind} with the most stored bytes, the first on ties; null if none is of that kind. */
    private static LayerBytes largest(LayerBytes[] layers, Predicate<LayerBytes> kind) {
        LayerBytes largest = null;
        for (LayerBytes layer : layers) {
            if (kind.test(layer) && (largest == null || layer.stored() > largest.stored())) {
                largest = layer;
            }
        }
        return largest;
    }

    /**
     * Whether {@link WeightPrecision#STORED} keeps the tensor in its stored dtype: every matrix but
     * the embedding table (looked up row by row, held as float32, as are norms and biases).
     */
    private static boolean heldInStoredDType(TensorInfo tensor) {
        return tensor.shape().length == 2 && !tensor.name().equals(EMBEDDINGS);
    }

    /**
     * The largest matrix a matmul widens: a decoder-layer matrix or a stored LM head, not stored as
     * float32 (a tied head is a float32 copy of the embedding and needs none).
     */
    private static WideningBuffer wideningBuffer(Collection<TensorInfo> tensors, int layerCount) {
        TensorInfo largest = null;
        for (TensorInfo tensor : tensors) {
            boolean multiplied = tensor.name().equals(LM_HEAD) || layerOf(tensor.name(), layerCount) >= 0;
            if (multiplied
                    && heldInStoredDType(tensor)
                    && tensor.dtype() != DType.F32
                    && (largest == null || tensor.numel() > largest.numel())) {
                largest = tensor;
            }
        }
        return largest == null
                ? new WideningBuffer(null, 0)
                : new WideningBuffer(largest.name(), largest.numel() * DType.F32.byteSize());
    }
}
